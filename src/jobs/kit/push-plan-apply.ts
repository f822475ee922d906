/**
 * One page of the push loop (kit/push-loop.ts), whichever read it came from (incremental, `--id`
 * or quarantine retry): planned (screened, then the job's PushPages.plan), then applied
 * (failures quarantined before the cursor moves, the batches staged, each batch's rows let go of).
 */
import type { OroClient, Page } from '../../oro/types.js';
import type { PushKind, PushPages, PushPlan, PushRun } from './push-loop.js';
import { chunks, screenPage } from './push-pages.js';

/** A push job's run, as the loop and its page steps share it. */
export interface Run<T> extends PushRun {
  kind: PushKind<T>;
  oro: OroClient;
  pages: PushPages<T>;
  quarantined: Set<string>;
  failedThisRun: Set<string>;
}

/** Screens a page, lets the job plan it, and reports its failures (once per run with failOnce). */
export async function planPage<T>(run: Run<T>, page: Page, staged: readonly string[]): Promise<PushPlan<T>> {
  const { report, kind } = run;
  const screened = screenPage(page, kind.entity, report, run.deps.logger, kind.screenIds);
  report.counts.read += page.data.length + screened.length + staged.length;
  const plan = await run.pages.plan({ page, staged, screened });
  // The plan holds what staging needs; the page's resources are done with. Emptied here (a page
  // is the loop's once read), so that a page object the garbage collector has not yet found dead
  // cannot keep them alive (mapping/order-decision.ts releaseStaged says why that matters).
  page.data.length = 0;
  page.included.clear();
  if (kind.failOnce) plan.failures = plan.failures.filter((f) => !run.failedThisRun.has(f.id));
  // Reported when the page is applied (applyPage), not here: a page planned ahead and then
  // never applied (the time budget or a signal stopped the run first) fails nothing.
  if (kind.failOnce) for (const f of plan.failures) run.failedThisRun.add(f.id);
  return plan;
}

/** Writes a planned page (quarantine, then its batches); false when the time budget stopped it. */
export async function applyPage<T>(
  run: Run<T>,
  plan: PushPlan<T>,
  cursor: string | undefined,
): Promise<boolean> {
  const { deps, report, options, kind, pages } = run;
  for (const f of plan.failures) report.fail(kind.entity, f.id, f.reason);
  if (options.dryRun) {
    for (const item of plan.stage) report.plan.push(...pages.describe(item));
    report.counts.written += plan.stage.length;
    report.progress();
    return true;
  }
  if (plan.failures.length > 0) {
    // Before the cursor moves past them: a crash in between re-reads them, loses nothing.
    await deps.store.quarantine(
      plan.failures.map((f) => ({ job: kind.job, entity: kind.entity, entityId: f.id, error: f.reason })),
      deps.clock(),
    );
    for (const f of plan.failures) run.quarantined.add(f.id);
  }
  let resolved = plan.settles.filter((id) => run.quarantined.has(id));
  const batches = chunks(plan.stage, pages.batchSize);
  if (batches.length === 0 && (cursor !== undefined || resolved.length > 0)) batches.push([]);
  for (let i = 0; i < batches.length; i++) {
    if (i > 0 && report.outOfTime()) return false;
    const batch = batches[i] as T[];
    if (pages.idOf)
      resolved = [...resolved, ...batch.map(pages.idOf).filter((id) => run.quarantined.has(id))];
    const writes = pages.writes(batch);
    const result = await deps.store.stage({
      job: kind.job,
      writes,
      ...(i === batches.length - 1 && cursor !== undefined ? { cursor } : {}),
      ...(resolved.length > 0
        ? { resolved: resolved.map((entityId) => ({ entity: kind.entity, entityId })) }
        : {}),
    });
    // Results come in the order of the writes (their table names carry the configured prefix).
    const counted = result.writes[writes.findIndex((w) => w.table === pages.counted)];
    // Staged: the batch's rows are done with, let go of at once for the same reason.
    pages.staged?.(batch);
    for (const w of writes) {
      w.rows.length = 0;
      w.children?.rowsByParent.clear();
    }
    writes.length = 0;
    for (const id of resolved) run.quarantined.delete(id);
    resolved = [];
    report.counts.written += counted?.inserted ?? 0;
    report.counts.skipped += counted?.skipped ?? 0;
    report.progress();
  }
  return true;
}
