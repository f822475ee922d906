/**
 * A push stream (`stream:<name>`): reads its Oro resource incrementally by `updatedAt` (or whole,
 * once every `everyMinutes`, in `mode: full`), keeps the records that meet its filter, maps each
 * with the generic mapper and stages a row when its mapped values changed: rows carry a payload hash and UNIQUE (key, payload_hash) skips a snapshot
 * already staged, as for customers (staging-tables.md `sagesync_customer`). Per page: quarantine
 * what cannot be mapped, then one `store.stage` per `batchSize` rows, the page's last one with
 * the cursor, so the cursor only moves with the rows it covers (STYLE.md "Sync semantics").
 */
import { ConfigError } from '../errors.js';
import { OroRecordError } from '../oro/errors.js';
import { formatSweep, parseSweep, sweepFrom, sweepPages } from '../oro/id-sweep.js';
import type { OroClient, Page } from '../oro/types.js';
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
              def.mode === 'full' ? wholeRead(oro, deps, def, since) : incremental(oro, deps, def, since),
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

/** `mode: full` without `everyMinutes`: a whole read an hour. */
const DEFAULT_EVERY_MINUTES = 60;

async function* incremental(
  oro: OroClient,
  deps: JobDeps,
  def: PushStreamDef,
  stored: string | null,
): AsyncGenerator<Page> {
  // A stream switched from mode: full holds a whole read's position: start from the beginning.
  const since = parseSweep(stored) ? null : stored;
  try {
    yield* oro.readIncremental(def.resource, {
      since,
      overlapSeconds: deps.config.oro.overlapSeconds,
      include: [...def.include],
      pageSize: deps.config.oro.pageSize,
    });
  } catch (err) {
    throw noUpdatedAtFilter(deps, def, err) ?? err;
  }
}

/**
 * A 400 naming the `updatedAt` filter or sorter: this resource cannot be read incrementally on
 * this Oro (customer users and addresses have neither, oroinc/customer-portal
 * src/Oro/Bundle/CustomerBundle/Resources/config/oro/api.yml @6.1.0). The fix is `mode: full`.
 */
function noUpdatedAtFilter(deps: JobDeps, def: PushStreamDef, err: unknown): ConfigError | null {
  if (!(err instanceof OroRecordError) || err.status !== 400) return null;
  const parameter = err.source?.parameter ?? '';
  if (!/^filter\[updatedAt\]|^sort$/.test(parameter)) return null;
  const i = deps.config.streams.findIndex((s) => s.name === def.name);
  return new ConfigError(
    [
      {
        path: `streams[${i}].mode`,
        source: 'Oro',
        message:
          `Oro cannot filter or sort ${def.resource} by updatedAt (400 on ${parameter}: ${err.detail ?? err.title ?? ''}), ` +
          'which the incremental mode reads by. Set mode: full on this stream: it then reads the whole ' +
          'resource every everyMinutes (default 60) and stages only the rows whose values changed.',
      },
    ],
    { cause: err },
  );
}

/**
 * `mode: full`: the whole resource in id order (src/oro/id-sweep.ts), a pass every
 * `everyMinutes`, continued by the next run when the time budget ends it (the loop checks it
 * before each page). The pass's position is the stream's cursor, stored with the rows of each
 * page; UNIQUE (key, payload_hash) leaves out every row whose values did not change. Between
 * passes nothing is read.
 */
async function* wholeRead(
  oro: OroClient,
  deps: JobDeps,
  def: PushStreamDef,
  stored: string | null,
): AsyncGenerator<Page> {
  const period = (def.everyMinutes ?? DEFAULT_EVERY_MINUTES) * 60_000;
  const from = sweepFrom(parseSweep(stored), deps.clock(), period);
  if (from === null) return;
  const pass = sweepPages(oro, def.resource, from, {
    pageSize: deps.config.oro.pageSize,
    include: def.include,
  });
  for await (const { page, position } of pass) yield { ...page, watermark: formatSweep(position) };
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
        const v = evaluateFilter(def.filter, r, lookup);
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
