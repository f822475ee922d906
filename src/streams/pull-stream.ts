/**
 * A pull stream (`stream:<name>`): applies NEW rows of its staging table (written by X3) to Oro,
 * in staging_id order: each row finds its Oro resource (by id, or by an attribute such as
 * `externalId`) and the configured attributes are PATCHed from its columns. The row then ends
 * DONE, or ERROR with a reason when it can never apply as it stands; when Oro is unreachable it
 * stays NEW for the next run (contract guarantee 3, as for pull-credit; shared pieces in
 * src/jobs/kit/pull-loop.ts). A row is marked right after its PATCH, so a crash re-applies at most
 * the one row in flight (setting the same values again is harmless).
 */
import { clip } from '../jobs/kit/oro-failure.js';
import { runPull, type PullWindow, type WindowEnd } from '../jobs/kit/pull-loop.js';
import type { Job, JobDeps, JobOptions, JobReport } from '../jobs/types.js';
import { SagesyncError } from '../errors.js';
import type { InboundRow, InboundUpdate } from '../staging/store.js';
import { attributesOf, findTarget, type Target } from './pull-resolve.js';
import { assertStreamTable } from './schema-check.js';
import { streamTable } from './tables.js';
import { streamJobName, type PullStreamDef } from './types.js';

const WINDOW = 500;

export function pullStreamJob(def: PullStreamDef): Job {
  const job = streamJobName(def);
  const table = streamTable(def);
  return async (deps: JobDeps, options: JobOptions): Promise<JobReport> => {
    const cache = new Map<string, Target>();
    return runPull(deps, options, {
      job,
      table,
      window: WINDOW,
      columns: [def.match.column, ...Object.values(def.set)],
      check: () => assertStreamTable(deps.store, def, table),
      applyWindow: (rows, w) => applyRows(w, def, rows, cache),
    });
  };
}

/** Applies rows in order; returns the passing error (Oro unreachable) that stopped it, if any. */
async function applyRows(
  w: PullWindow,
  def: PullStreamDef,
  rows: readonly InboundRow[],
  cache: Map<string, Target>,
): Promise<WindowEnd> {
  const oro = await w.oro();
  if (oro instanceof SagesyncError) return oro;
  const table = streamTable(def);
  for (const [i, row] of rows.entries()) {
    // Noted here: after a window shorter than WINDOW the loop reads no other, so notes nothing.
    if (w.stopped()) {
      const left = rows.length - i;
      w.stopNote(rows.length < WINDOW ? `${left} row${left === 1 ? '' : 's'}` : 'the remaining rows are');
      return 'stop';
    }
    const values = attributesOf(def, table, row);
    let update: InboundUpdate;
    if (!values.ok) {
      update = { stagingId: row.staging_id, status: 'ERROR', message: clip(values.message) };
    } else {
      const target = await findTarget(oro, def, row, cache);
      if (target.kind === 'passing') return target.error;
      if (target.kind === 'error') {
        update = { stagingId: row.staging_id, status: 'ERROR', message: clip(target.message) };
      } else if (w.dryRun) {
        w.report.plan.push({
          stagingId: row.staging_id,
          action: 'patch',
          resource: def.resource,
          id: target.id,
          attributes: values.attributes,
        });
        update = { stagingId: row.staging_id, status: 'DONE', message: null };
      } else {
        const sent = await w.write(() => oro.patch(def.resource, target.id, values.attributes));
        if (sent.kind === 'passing') return sent.error;
        if (sent.kind === 'ok') {
          update = {
            stagingId: row.staging_id,
            status: 'DONE',
            message: clip(
              `Applied to Oro ${def.resource} ${target.id}: ${Object.keys(values.attributes).join(', ')}.`,
            ),
          };
        } else {
          const f = sent;
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
    await w.finish([update]);
  }
  return 'next';
}
