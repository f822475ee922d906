/**
 * A pull stream (`stream:<name>`): applies NEW rows of its staging table (written by X3) to Oro,
 * in staging_id order: each row finds its Oro resource (by id, or by an attribute such as
 * `externalId`) and the configured attributes are PATCHed from its columns. The row then ends
 * DONE, or ERROR with a reason when it can never apply as it stands; when Oro is unreachable it
 * stays NEW for the next run (contract guarantee 3, as for pull-credit; shared pieces in
 * src/jobs/pull-common.ts). A row is marked right after its PATCH, so a crash re-applies at most
 * the one row in flight (setting the same values again is harmless).
 */
import {
  budgetMessage,
  classifyOroError,
  clip,
  idsNotPending,
  pastDeadline,
  PullTally,
} from '../jobs/pull-common.js';
import type { Job, JobDeps, JobOptions, JobReport } from '../jobs/types.js';
import type { SagesyncError } from '../errors.js';
import type { InboundRow, InboundUpdate } from '../staging/store.js';
import type { TableDef } from '../staging/tables.js';
import { attributesOf, findTarget, type Target } from './pull-resolve.js';
import { assertStreamTable } from './schema-check.js';
import { streamTable } from './tables.js';
import { streamJobName, type PullStreamDef } from './types.js';

const WINDOW = 500;

export function pullStreamJob(def: PullStreamDef): Job {
  const job = streamJobName(def);
  const table = streamTable(def);
  return async (deps: JobDeps, options: JobOptions): Promise<JobReport> => {
    const startedAt = Date.now();
    const tally = new PullTally(job, def.table, deps.progress);
    try {
      await assertStreamTable(deps.store, def, table);
    } catch (e) {
      const err = e as SagesyncError;
      tally.error = { kind: err.kind ?? 'internal', message: err.message };
      return tally.report(startedAt, options.dryRun);
    }
    const seen = new Set<string>();
    const cache = new Map<string, Target>();
    let afterId: string | undefined;
    for (;;) {
      if (pastDeadline(deps)) {
        tally.notes.push(budgetMessage('the remaining rows are', deps));
        break;
      }
      const rows = await deps.store.pendingInbound(table, {
        ...(options.ids ? { ids: options.ids } : {}),
        ...(afterId ? { afterId } : {}),
        limit: WINDOW,
      });
      if (rows.length === 0) break;
      for (const r of rows) seen.add(r.staging_id);
      tally.read(rows);
      afterId = rows[rows.length - 1]?.staging_id;
      const stop = await applyRows(deps, options, def, table, rows, tally, cache);
      if (stop) {
        const { read, written, skipped, failed } = tally.counts;
        tally.unavailable(stop, read - written - skipped - failed);
        break;
      }
      if (rows.length < WINDOW) break;
    }
    const missing = idsNotPending(options.ids, seen);
    if (missing.length > 0)
      tally.notes.push(`Not NEW or not found, so not applied: staging_id ${missing.join(', ')}.`);
    return tally.report(startedAt, options.dryRun);
  };
}

/** Applies rows in order; returns the passing error (Oro unreachable) that stopped it, if any. */
async function applyRows(
  deps: JobDeps,
  options: JobOptions,
  def: PullStreamDef,
  table: TableDef,
  rows: readonly InboundRow[],
  tally: PullTally,
  cache: Map<string, Target>,
): Promise<SagesyncError | null> {
  const oro = await deps.oro();
  for (const row of rows) {
    if (pastDeadline(deps)) return null;
    const values = attributesOf(def, table, row);
    let update: InboundUpdate;
    if (!values.ok) {
      update = { stagingId: row.staging_id, status: 'ERROR', message: clip(values.message) };
    } else {
      const target = await findTarget(oro, def, row, cache);
      if (target.kind === 'passing') return target.error;
      if (target.kind === 'error') {
        update = { stagingId: row.staging_id, status: 'ERROR', message: clip(target.message) };
      } else if (options.dryRun) {
        tally.plan.push({
          stagingId: row.staging_id,
          action: 'patch',
          resource: def.resource,
          id: target.id,
          attributes: values.attributes,
        });
        update = { stagingId: row.staging_id, status: 'DONE', message: null };
      } else {
        await deps.assertLock?.();
        try {
          await oro.patch(def.resource, target.id, values.attributes);
          update = {
            stagingId: row.staging_id,
            status: 'DONE',
            message: clip(
              `Applied to Oro ${def.resource} ${target.id}: ${Object.keys(values.attributes).join(', ')}.`,
            ),
          };
        } catch (e) {
          const f = classifyOroError(e);
          if (f.kind === 'passing') return f.error;
          update = {
            stagingId: row.staging_id,
            status: 'ERROR',
            message: clip(
              `Oro refused to update ${def.resource} ${target.id} (${f.status}: ${f.detail}). ` +
                'Check the attribute names under "set" and the values, then set this row back to NEW.',
            ),
          };
        }
      }
    }
    if (options.dryRun && update.status === 'ERROR')
      tally.plan.push({ stagingId: row.staging_id, action: 'error', message: update.message });
    if (!options.dryRun)
      await tally.mark(deps.store, table, [update], [def.match.column, ...Object.values(def.set)]);
    tally.finished([update], 'written');
  }
  return null;
}
