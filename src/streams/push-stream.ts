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
import { chunks, parseIds, ReportBuilder, screenPage } from '../jobs/mapping/job-kit.js';
import type { RecordSpec } from '../jobs/mapping/mapper.js';
import { missingProblem, ResourceCache } from '../jobs/mapping/resource-cache.js';
import type { Job, JobDeps, JobOptions, JobReport } from '../jobs/types.js';
import type { OroClient, Page } from '../oro/types.js';
import type { Row, StageBatch } from '../staging/store.js';
import type { TableDef } from '../staging/tables.js';
import { mapStreamRecord, pushSpec } from './push-map.js';
import { assertStreamTable } from './schema-check.js';
import { streamTable } from './tables.js';
import { streamJobName, type PushStreamDef } from './types.js';

/** Quarantined records retried per run. */
const RETRY_LIMIT = 500;

interface Ctx {
  def: PushStreamDef;
  job: ReturnType<typeof streamJobName>;
  table: TableDef;
  spec: RecordSpec;
  deps: JobDeps;
  options: JobOptions;
  oro: OroClient;
  cache: ResourceCache;
  report: ReportBuilder;
  quarantined: Set<string>;
  failedThisRun: Set<string>;
}

export function pushStreamJob(def: PushStreamDef): Job {
  const job = streamJobName(def);
  const table = streamTable(def);
  const spec = pushSpec(def, table);
  return async (deps: JobDeps, options: JobOptions): Promise<JobReport> => {
    const report = new ReportBuilder(job, deps);
    try {
      await assertStreamTable(deps.store, def, table);
      const oro = await deps.oro();
      const ctx: Ctx = {
        def,
        job,
        table,
        spec,
        deps,
        options,
        oro,
        cache: new ResourceCache(oro, deps.logger),
        report,
        failedThisRun: new Set(),
        quarantined: new Set(
          (await deps.store.openQuarantine(job))
            .filter((q) => q.entity === def.resource)
            .map((q) => q.entityId),
        ),
      };
      const ids = parseIds(options.ids);
      if (ids) {
        await byIds(ctx, ids, true);
      } else {
        const due = await deps.store.dueQuarantine(job, deps.clock(), RETRY_LIMIT);
        const dueIds = due.filter((q) => q.entity === def.resource).map((q) => q.entityId);
        if (dueIds.length > 0) await byIds(ctx, dueIds, false);
        await incremental(ctx);
      }
      return report.finish(options.dryRun);
    } catch (err) {
      return report.failed(err, options.dryRun);
    }
  };
}

async function incremental(ctx: Ctx): Promise<void> {
  const since = await ctx.deps.store.getCursor(ctx.job);
  let cursor = since;
  for await (const page of ctx.oro.readIncremental(ctx.def.resource, {
    since,
    overlapSeconds: ctx.deps.config.oro.overlapSeconds,
    include: [...ctx.def.include],
    pageSize: ctx.deps.config.oro.pageSize,
  })) {
    if (ctx.report.outOfTime()) return;
    if (!(await processPage(ctx, page, page.watermark !== cursor ? page.watermark : undefined))) return;
    if (page.watermark !== undefined) cursor = page.watermark;
  }
}

/** `--id` (explicit) or quarantine retries: read by id, stage without touching the cursor. */
async function byIds(ctx: Ctx, ids: string[], explicit: boolean): Promise<void> {
  const seen = new Set<string>();
  const entity = ctx.def.resource;
  for (const chunk of chunks(ids, 100)) {
    for await (const page of ctx.oro.list(entity, {
      filter: { id: chunk.join(',') },
      include: [...ctx.def.include],
      pageSize: 100,
    })) {
      if (ctx.report.outOfTime()) return;
      for (const r of page.data) seen.add(r.id);
      if (!(await processPage(ctx, page, undefined))) return;
    }
  }
  const gone = ids.filter((id) => !seen.has(id));
  if (explicit) for (const id of gone) ctx.report.fail(entity, id, `${entity} ${id} does not exist in Oro`);
  else if (gone.length > 0 && !ctx.options.dryRun) {
    ctx.deps.logger.warn(`quarantined ${entity} no longer exist in Oro; their quarantine is resolved`, {
      stream: ctx.def.name,
      ids: gone,
    });
    await ctx.deps.store.stage({
      job: ctx.job,
      writes: [],
      resolved: gone.map((entityId) => ({ entity, entityId })),
    });
  }
}

interface Mapped {
  id: string;
  row: Row | null;
  problems: string[];
  missing: string[];
  filteredOut: boolean;
}

/** Plans and applies one page; false when the time budget stopped it before the end. */
async function processPage(ctx: Ctx, page: Page, cursor: string | undefined): Promise<boolean> {
  const { deps, report, def } = ctx;
  const screened = screenPage(page, def.resource, report, deps.logger);
  report.counts.read += page.data.length + screened.length;
  const lookup = ctx.cache.lookup(page.included);
  const mapped = await ctx.cache.settle((): Mapped[] =>
    page.data.map((r) => {
      if (def.filter) {
        const v = evaluateFilter(def.filter as Filter, r, lookup);
        if (v.missing.length > 0)
          return { id: r.id, row: null, problems: [], missing: v.missing, filteredOut: false };
        if (!v.qualifies) return { id: r.id, row: null, problems: [], missing: [], filteredOut: true };
      }
      const m = mapStreamRecord(def, ctx.spec, r, lookup);
      const problems = m.problems.map((p) => p.message);
      return { id: r.id, row: m.row, problems, missing: m.missing, filteredOut: false };
    }),
  );
  const rows: Row[] = [];
  const failures = screened.filter((f) => !ctx.failedThisRun.has(f.id));
  let resolved: string[] = [];
  for (const m of mapped) {
    if (m.filteredOut) {
      report.counts.skipped++;
      if (ctx.quarantined.has(m.id)) resolved.push(m.id);
      continue;
    }
    const problems = [...m.problems, ...(m.missing.length > 0 ? [missingProblem(m.missing)] : [])];
    if (problems.length > 0 || !m.row) {
      if (!ctx.failedThisRun.has(m.id)) failures.push({ id: m.id, reason: problems.join('; ') });
      continue;
    }
    if (ctx.quarantined.has(m.id)) resolved.push(m.id);
    rows.push(m.row);
  }
  for (const f of failures) {
    ctx.failedThisRun.add(f.id);
    report.fail(def.resource, f.id, f.reason);
  }
  if (ctx.options.dryRun) {
    for (const r of rows) report.plan.push({ table: def.table, ...describe(def, r) });
    report.counts.written += rows.length;
    report.progress();
    return true;
  }
  if (failures.length > 0) {
    // Before the cursor moves past them: a crash in between re-reads them, loses nothing.
    await deps.store.quarantine(
      failures.map((f) => ({ job: ctx.job, entity: def.resource, entityId: f.id, error: f.reason })),
      deps.clock(),
    );
    for (const f of failures) ctx.quarantined.add(f.id);
  }
  const batches = chunks(rows, def.batchSize);
  if (batches.length === 0 && (cursor !== undefined || resolved.length > 0)) batches.push([]);
  for (let i = 0; i < batches.length; i++) {
    if (i > 0 && report.outOfTime()) return false;
    const batch = batches[i] as Row[];
    const stage: StageBatch = {
      job: ctx.job,
      writes:
        batch.length > 0
          ? [{ table: ctx.table, rows: batch, conflictColumns: [...def.key, 'payload_hash'] }]
          : [],
    };
    if (i === batches.length - 1 && cursor !== undefined) stage.cursor = cursor;
    if (resolved.length > 0)
      stage.resolved = resolved.map((entityId) => ({ entity: def.resource, entityId }));
    const result = await deps.store.stage(stage);
    for (const id of resolved) ctx.quarantined.delete(id);
    resolved = [];
    const w = result.writes[0];
    report.counts.written += w?.inserted ?? 0;
    report.counts.skipped += w?.skipped ?? 0;
    report.progress();
  }
  return true;
}

/** The key columns and the hash of a planned row (--dry-run). */
function describe(def: PushStreamDef, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of def.key) out[k] = row[k];
  out.payloadHash = row.payload_hash;
  return out;
}
