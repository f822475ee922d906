/**
 * The one push loop, for push-orders, push-customers and every push stream: Oro records in,
 * staging rows out (contract direction 1). What the loop owns, so that a fix to it is made once:
 *
 * - quarantine retry: the due entries of the job (backing off, staging-tables.md
 *   `sagesync_quarantine`) are read again by id before the incremental read; an entry is
 *   resolved in the transaction that stages (or settles) its record, and one whose record Oro no
 *   longer has is resolved without it;
 * - `--id`: the records asked for are read by id and staged without touching the cursor; an id
 *   Oro does not have is a failed record;
 * - incremental pages (PushPages.feed: full pages, or kit/feeds.ts's cheap listing of ids
 *   and `updatedAt` followed by a full fetch of the records not staged yet), with the cursor
 *   stored in the transaction of a page's last batch, so it only moves with the rows it covers;
 * - the plan-ahead pipeline (PushPages.planAhead): the next pages are planned while a page's
 *   transactions run; transactions still commit one at a time and in page order;
 * - the time budget and stop signals (ReportBuilder.outOfTime, on the injected clock) before
 *   each page and between batches, and the report.
 *
 * The job keeps what is its own (PushPages): how a page is planned and what a batch writes.
 * One page's plan-then-apply steps are in kit/push-plan-apply.ts.
 */
import type { JsonApiResource, OroClient, Page } from '../../oro/types.js';
import type { TableWrite } from '../../staging/store.js';
import type { TableDef } from '../../staging/tables.js';
import type { JobDeps, JobName, JobOptions, JobReport } from '../types.js';
import { applyPage, planPage, type Run } from './push-plan-apply.js';
import { chunks, parseIds, stagingIdsOnly } from './push-pages.js';
import { ReportBuilder } from './report.js';
import type { FeedUnit } from './feeds.js';

/** Quarantined records retried per run. */
const RETRY_LIMIT = 500;
/** Ids per read by id (Oro's default page size, docs/oro.md). */
const BY_ID = 100;

/** A record that cannot be staged: quarantined, retried by id with backoff on later runs. */
interface PushFailure {
  id: string;
  reason: string;
}

/** What a job decided for one page. */
export interface PushPlan<T> {
  /** To stage, in batches of PushPages.batchSize. */
  stage: T[];
  failures: PushFailure[];
  /**
   * Ids whose open quarantine entry this page settles whatever its batches do (skipped: staged
   * already, or no longer qualifying); resolved with the page's first batch.
   */
  settles: string[];
}

/** A page handed to the job's planning. */
export interface PageInput {
  page: Page;
  /** Ids listed that were staged already (the sparse feed), counted as read and left to the job. */
  staged: readonly string[];
  /** Records taken out of the page before planning (kit/push-pages.ts screenPage): failures. */
  screened: PushFailure[];
}

/** The per-run planning and writing of one push job or stream. */
export interface PushPages<T> {
  /** The incremental read from the stored cursor. */
  feed: (since: string | null) => AsyncIterable<FeedUnit>;
  /** Pages planned and not yet committed, at most, counting the one being planned (1: none ahead). */
  planAhead: number;
  /** Items staged per transaction. */
  batchSize: number;
  plan: (input: PageInput) => Promise<PushPlan<T>>;
  /** The table writes of one batch (none for an empty batch, which carries only the cursor). */
  writes: (batch: readonly T[]) => TableWrite[];
  /** The write whose inserted/skipped rows are the job's counts. */
  counted: TableDef;
  /** --dry-run: what staging the item would write. */
  describe: (item: T) => unknown[];
  /** When given, a batch resolves the open quarantine entries of the items it stages. */
  idOf?: (item: T) => string;
  /** Called once a batch committed, to let go of what its items hold (the planning knows how). */
  staged?: (batch: readonly T[]) => void;
}

export interface PushKind<T> {
  job: JobName;
  /** The quarantine entity and the failed records' `entity`, e.g. `order`. */
  entity: string;
  /** The Oro resource read by id, e.g. `orders`. */
  resource: string;
  /** Included with the read by id. */
  include?: string[];
  /** The ids go into int columns: an id that is not a staging id is never sent to Oro. */
  stagingIds: boolean;
  /** The ids of a record that go into int columns (its own, a related one's): screened first. */
  screenIds?: (r: JsonApiResource) => { what: string; id: string }[];
  /** Fields of the log line about quarantined records Oro no longer has. */
  logFields?: Record<string, string>;
  /** A record failed in this run is reported (and quarantined) once, not again when met again. */
  failOnce: boolean;
  /** Before Oro is contacted (a stream's table check, push-customers' code learning). */
  before?: (report: ReportBuilder) => Promise<void>;
  pages: (oro: OroClient, run: PushRun) => PushPages<T>;
}

/** What a job's planning may use of the run. */
export interface PushRun {
  deps: JobDeps;
  options: JobOptions;
  report: ReportBuilder;
  /** Ids with an open quarantine entry. */
  quarantined: ReadonlySet<string>;
}

export async function runPush<T>(deps: JobDeps, options: JobOptions, kind: PushKind<T>): Promise<JobReport> {
  const report = new ReportBuilder(kind.job, deps);
  try {
    await kind.before?.(report);
    const oro = await deps.oro();
    const quarantined = new Set(
      (await deps.store.openQuarantine(kind.job))
        .filter((q) => q.entity === kind.entity)
        .map((q) => q.entityId),
    );
    const base: PushRun = { deps, options, report, quarantined };
    const run: Run<T> = {
      ...base,
      kind,
      oro,
      quarantined,
      failedThisRun: new Set(),
      pages: kind.pages(oro, base),
    };
    const ids = parseIds(options.ids);
    if (ids) {
      await byIds(run, ids, true);
    } else {
      const due = await deps.store.dueQuarantine(kind.job, deps.clock(), RETRY_LIMIT);
      const dueIds = due.filter((q) => q.entity === kind.entity).map((q) => q.entityId);
      if (dueIds.length > 0) await byIds(run, dueIds, false);
      await incremental(run);
    }
    return report.finish(options.dryRun);
  } catch (err) {
    return report.failed(err, options.dryRun);
  }
}

/**
 * Pages are planned ahead of the staging (PushPages.planAhead): while page k's transaction runs
 * on the database, the next pages are planned (and fetched, kit/feeds.ts). Transactions
 * still commit one at a time and in page order, and one that fails (or stops on the time budget)
 * stops the run before any later page is applied, so a customer's snapshot still commits no
 * later than its orders and the cursor only moves with the rows it covers. Planning may not yet
 * see an earlier page's records as staged: a record met in both is then left out by the unique
 * key (ON CONFLICT DO NOTHING) and counted as skipped, as it would have been by the lookup.
 */
async function incremental<T>(run: Run<T>): Promise<void> {
  const since = await run.deps.store.getCursor(run.kind.job);
  let cursor = since;
  // Applies run one after the other, in page order: each waits for the one before it.
  let chain: Promise<boolean> = Promise.resolve(true);
  const applying: Promise<boolean>[] = [];
  try {
    for await (const unit of run.pages.feed(since)) {
      if (run.report.outOfTime()) break;
      const planned = await planPage(run, unit.page, unit.staged);
      const pageCursor = unit.watermark !== cursor ? unit.watermark : undefined;
      chain = chain.then(async (ok) => {
        if (!ok || !(await applyPage(run, planned, pageCursor))) return false;
        if (unit.committed && !run.options.dryRun) await unit.committed();
        return true;
      });
      // Observed below; this only keeps a failure from going unhandled while pages are planned.
      chain.catch(() => undefined);
      applying.push(chain);
      if (unit.watermark !== undefined) cursor = unit.watermark;
      if (applying.length >= run.pages.planAhead && !(await applying.shift())) return;
    }
    await chain;
  } finally {
    // A planning error must not leave a transaction running behind the report.
    await chain.catch(() => undefined);
  }
}

/** `--id` (explicit) or quarantine retries: read by id, stage without touching the cursor. */
async function byIds<T>(run: Run<T>, asked: string[], explicit: boolean): Promise<void> {
  const { deps, report, options, kind } = run;
  const ids = kind.stagingIds
    ? await stagingIdsOnly(asked, explicit, kind.job, kind.entity, deps, report, options.dryRun)
    : asked;
  const seen = new Set<string>();
  for (const chunk of chunks(ids, BY_ID)) {
    if (report.outOfTime()) return;
    // One page of them (read N at a time where the resource's max_results is N: oro/by-ids.ts).
    const page = await run.oro.readByIds(kind.resource, chunk, kind.include ? { include: kind.include } : {});
    for (const r of page.data) seen.add(r.id);
    if (!(await applyPage(run, await planPage(run, page, []), undefined))) return;
  }
  const gone = ids.filter((id) => !seen.has(id));
  if (gone.length === 0) return;
  if (explicit) {
    for (const id of gone) report.fail(kind.entity, id, `${kind.entity} ${id} does not exist in Oro`);
  } else if (!options.dryRun) {
    // A quarantined record that Oro no longer has can never be staged: stop retrying it.
    deps.logger.warn(`quarantined ${kind.resource} no longer exist in Oro; their quarantine is resolved`, {
      ...kind.logFields,
      ids: gone,
    });
    await deps.store.stage({
      job: kind.job,
      writes: [],
      resolved: gone.map((entityId) => ({ entity: kind.entity, entityId })),
    });
  }
}
