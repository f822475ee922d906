/**
 * A push stream (`stream:<name>`): reads its Oro resource incrementally by `updatedAt`, keeps the
 * records that meet its filter, maps each with the generic mapper and stages a row when its
 * mapped values changed: rows carry a payload hash and UNIQUE (key, payload_hash) skips a snapshot
 * already staged, as for customers (staging-tables.md `sagesync_customer`). Per page: quarantine
 * what cannot be mapped, then one `store.stage` per `batchSize` rows, the page's last one with
 * the cursor, so the cursor only moves with the rows it covers (STYLE.md "Sync semantics").
 */
import type { Filter } from '../config/schema.js';
import { evaluateFilter } from '../jobs/criteria.js';
import { pagesFeed } from '../jobs/kit/feeds.js';
import { runPush, type PageInput, type PushPlan, type PushRun } from '../jobs/kit/push-loop.js';
import type { RecordSpec } from '../jobs/mapping/mapper.js';
import { problemsOf, ResourceCache } from '../jobs/mapping/resource-cache.js';
import type { Job, JobDeps, JobOptions, JobReport } from '../jobs/types.js';
import type { Row } from '../staging/store.js';
import { mapStreamRecord, pushSpec } from './push-map.js';
import { assertStreamTable } from './schema-check.js';
import { streamTable } from './tables.js';
import { streamJobName, type PushStreamDef } from './types.js';

export function pushStreamJob(def: PushStreamDef): Job {
  const job = streamJobName(def);
  const table = streamTable(def);
  const spec = pushSpec(def, table);
  return async (deps: JobDeps, options: JobOptions): Promise<JobReport> =>
    runPush(deps, options, {
      job,
      entity: def.resource,
      resource: def.resource,
      include: [...def.include],
      stagingIds: false,
      failOnce: true,
      logFields: { stream: def.name },
      before: () => assertStreamTable(deps.store, def, table),
      pages: (oro, run) => {
        const cache = new ResourceCache(oro, deps.logger);
        return {
          feed: (since) =>
            pagesFeed(
              oro.readIncremental(def.resource, {
                since,
                overlapSeconds: deps.config.oro.overlapSeconds,
                include: [...def.include],
                pageSize: deps.config.oro.pageSize,
              }),
              { readAhead: false },
            ),
          planAhead: 1,
          batchSize: def.batchSize,
          plan: (input) => planPage(def, spec, cache, run, input),
          writes: (batch) =>
            batch.length > 0
              ? [{ table, rows: [...batch], conflictColumns: [...def.key, 'payload_hash'] }]
              : [],
          counted: table,
          describe: (r) => [{ table: def.table, ...describe(def, r) }],
        };
      },
    });
}

interface Mapped {
  id: string;
  row: Row | null;
  problems: string[];
  missing: string[];
  filteredOut: boolean;
}

/** Maps the records of a page that meet the filter; those filtered out settle a quarantine. */
async function planPage(
  def: PushStreamDef,
  spec: RecordSpec,
  cache: ResourceCache,
  run: PushRun,
  { page, screened }: PageInput,
): Promise<PushPlan<Row>> {
  const lookup = cache.lookup(page.included);
  const mapped = await cache.settle((): Mapped[] =>
    page.data.map((r) => {
      if (def.filter) {
        const v = evaluateFilter(def.filter as Filter, r, lookup);
        if (v.missing.length > 0)
          return { id: r.id, row: null, problems: [], missing: v.missing, filteredOut: false };
        if (!v.qualifies) return { id: r.id, row: null, problems: [], missing: [], filteredOut: true };
      }
      const m = mapStreamRecord(def, spec, r, lookup);
      const problems = m.problems.map((p) => p.message);
      return { id: r.id, row: m.row, problems, missing: m.missing, filteredOut: false };
    }),
  );
  const rows: Row[] = [];
  const failures = [...screened];
  const settles: string[] = [];
  for (const m of mapped) {
    if (m.filteredOut) {
      run.report.counts.skipped++;
      settles.push(m.id);
      continue;
    }
    const problems = problemsOf(m);
    if (problems.length > 0 || !m.row) {
      failures.push({ id: m.id, reason: problems.join('; ') });
      continue;
    }
    settles.push(m.id);
    rows.push(m.row);
  }
  return { stage: rows, failures, settles };
}

/** The key columns and the hash of a planned row (--dry-run). */
function describe(def: PushStreamDef, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of def.key) out[k] = row[k];
  out.payloadHash = row.payload_hash;
  return out;
}
