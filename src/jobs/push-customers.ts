/**
 * `sagesync push-customers`: stages a customer snapshot (reason `change`) when the hash of its
 * watched values (`customers.watch`, default the business columns) differs from the last one
 * staged for that customer; the UNIQUE (oro_customer_id, payload_hash) key is the backstop.
 * First it learns X3 customer codes from rows X3 marked DONE; a code claimed by two Oro
 * customers is reported with both ids and not mapped.
 */
import type { JsonApiResource, OroClient, Page } from '../oro/types.js';
import type { Row, StageBatch } from '../staging/store.js';
import { CUSTOMER } from '../staging/tables.js';
import { mapCustomer } from './mapping/customer-snapshot.js';
import { CustomerSource } from './mapping/customer-source.js';
import { chunks, parseIds, readAhead, ReportBuilder, screenPage, stagingIdsOnly } from './mapping/job-kit.js';
import { missingProblem, ResourceCache } from './mapping/resource-cache.js';
import type { JobDeps, JobOptions, JobReport } from './types.js';

export const PUSH_CUSTOMERS = 'push-customers' as const;
const RETRY_LIMIT = 500;

interface Ctx {
  deps: JobDeps;
  options: JobOptions;
  oro: OroClient;
  cache: ResourceCache;
  customers: CustomerSource;
  report: ReportBuilder;
  latestHash: Map<number, string>;
  quarantined: Set<string>;
  reason: 'change' | 'manual';
}

export async function pushCustomers(deps: JobDeps, options: JobOptions): Promise<JobReport> {
  const report = new ReportBuilder(PUSH_CUSTOMERS, deps);
  try {
    if (!options.dryRun) await learnCodes(deps, report);
    const oro = await deps.oro();
    const cache = new ResourceCache(oro, deps.logger);
    const ids = parseIds(options.ids);
    const ctx: Ctx = {
      deps,
      options,
      oro,
      cache,
      customers: new CustomerSource(oro, cache, deps.logger),
      report,
      latestHash: new Map(),
      quarantined: new Set(
        (await deps.store.openQuarantine(PUSH_CUSTOMERS))
          .filter((q) => q.entity === 'customer')
          .map((q) => q.entityId),
      ),
      reason: ids ? 'manual' : 'change',
    };
    if (ids) {
      await byIds(ctx, ids, true);
    } else {
      const due = await deps.store.dueQuarantine(PUSH_CUSTOMERS, deps.clock(), RETRY_LIMIT);
      const dueIds = due.filter((q) => q.entity === 'customer').map((q) => q.entityId);
      if (dueIds.length > 0) await byIds(ctx, dueIds, false);
      const since = await deps.store.getCursor(PUSH_CUSTOMERS);
      let cursor = since;
      const pages = oro.readIncremental('customers', {
        since,
        overlapSeconds: deps.config.oro.overlapSeconds,
        pageSize: deps.config.oro.pageSize,
      });
      for await (const page of readAhead(pages)) {
        if (report.outOfTime()) break;
        if (!(await processPage(ctx, page, page.watermark !== cursor ? page.watermark : undefined))) break;
        if (page.watermark !== undefined) cursor = page.watermark;
      }
    }
    return report.finish(options.dryRun);
  } catch (err) {
    return report.failed(err, options.dryRun);
  }
}

async function learnCodes(deps: JobDeps, report: ReportBuilder): Promise<void> {
  const { learnt, conflicts } = await deps.store.learnCustomerCodes();
  if (learnt.length > 0) deps.logger.info('learnt X3 customer codes', { count: learnt.length });
  for (const c of conflicts) {
    report.fail(
      'customer-code',
      c.code,
      `X3 code ${c.code} is claimed by Oro customers ${c.oroCustomerIds.join(' and ')} ` +
        `(staging row ${c.stagingId}); it was not mapped. Correct the code in X3 for one of them.`,
    );
  }
}

async function byIds(ctx: Ctx, asked: string[], explicit: boolean): Promise<void> {
  const { deps, report, options } = ctx;
  const ids = await stagingIdsOnly(asked, explicit, PUSH_CUSTOMERS, 'customer', deps, report, options.dryRun);
  const seen = new Set<string>();
  for (const chunk of chunks(ids, 100)) {
    for await (const page of ctx.oro.list('customers', { filter: { id: chunk.join(',') }, pageSize: 100 })) {
      if (ctx.report.outOfTime()) return;
      for (const r of page.data) seen.add(r.id);
      if (!(await processPage(ctx, page, undefined))) return;
    }
  }
  const gone = ids.filter((id) => !seen.has(id));
  if (explicit)
    for (const id of gone) ctx.report.fail('customer', id, `customer ${id} does not exist in Oro`);
  else if (gone.length > 0 && !ctx.options.dryRun) {
    ctx.deps.logger.warn('quarantined customers no longer exist in Oro; their quarantine is resolved', {
      ids: gone,
    });
    await ctx.deps.store.stage({
      job: PUSH_CUSTOMERS,
      writes: [],
      resolved: gone.map((entityId) => ({ entity: 'customer', entityId })),
    });
  }
}

async function processPage(ctx: Ctx, page: Page, cursor: string | undefined): Promise<boolean> {
  const { deps, report } = ctx;
  const cfg = deps.config;
  const screened = screenPage(page, 'customer', report, deps.logger, (r) => [
    { what: 'customer id', id: r.id },
  ]);
  report.counts.read += page.data.length + screened.length;
  const given = new Map<string, JsonApiResource>(page.included);
  for (const c of page.data) given.set(`${c.type}:${c.id}`, c);
  const ids = page.data.map((c) => c.id);
  const numeric = ids.map(Number);
  const codes = await deps.store.customerCodes(numeric);
  const unknown = numeric.filter((id) => !ctx.latestHash.has(id));
  for (const [id, h] of await deps.store.lastCustomerHashes(unknown)) ctx.latestHash.set(id, h);
  const prepared = await ctx.customers.load(ids, given);
  const lookup = ctx.cache.lookup(given);
  const mapped = await ctx.cache.settle(() =>
    ids.map((id) => {
      const c = prepared.get(id);
      if (!c) return { id, row: null as Row | null, problems: ['not returned by Oro'], missing: [] };
      const m = mapCustomer(c, lookup, {
        reason: ctx.reason,
        erpCustomerCode: codes.get(Number(id)) ?? null,
        customAttributes: cfg.customers.customAttributes,
        watch: cfg.customers.watch,
      });
      return { id, row: m.row as Row | null, problems: m.problems.map((p) => p.message), missing: m.missing };
    }),
  );
  const rows: Row[] = [];
  const failures: { id: string; reason: string }[] = [...screened];
  let resolved: string[] = [];
  for (const m of mapped) {
    const problems = [...m.problems, ...(m.missing.length > 0 ? [missingProblem(m.missing)] : [])];
    if (problems.length > 0 || !m.row) {
      failures.push({ id: m.id, reason: problems.join('; ') });
      continue;
    }
    if (ctx.quarantined.has(m.id)) resolved.push(m.id);
    const hash = String(m.row.payload_hash);
    if (ctx.latestHash.get(Number(m.id)) === hash) {
      report.counts.skipped++;
      continue;
    }
    ctx.latestHash.set(Number(m.id), hash);
    rows.push(m.row);
  }
  for (const f of failures) report.fail('customer', f.id, f.reason);
  if (ctx.options.dryRun) {
    for (const r of rows) {
      report.plan.push({
        table: CUSTOMER.name,
        oroCustomerId: r.oro_customer_id,
        name: r.name,
        reason: r.reason,
        payloadHash: r.payload_hash,
      });
    }
    report.counts.written += rows.length;
    report.progress();
    return true;
  }
  if (failures.length > 0) {
    await deps.store.quarantine(
      failures.map((f) => ({ job: PUSH_CUSTOMERS, entity: 'customer', entityId: f.id, error: f.reason })),
      deps.clock(),
    );
    for (const f of failures) ctx.quarantined.add(f.id);
  }
  const batches = chunks(rows, cfg.orders.batchSize);
  if (batches.length === 0 && (cursor !== undefined || resolved.length > 0)) batches.push([]);
  for (let i = 0; i < batches.length; i++) {
    if (i > 0 && report.outOfTime()) return false;
    const batch = batches[i] as Row[];
    const stage: StageBatch = {
      job: PUSH_CUSTOMERS,
      writes:
        batch.length > 0
          ? [{ table: CUSTOMER, rows: batch, conflictColumns: ['oro_customer_id', 'payload_hash'] }]
          : [],
    };
    if (i === batches.length - 1 && cursor !== undefined) stage.cursor = cursor;
    if (resolved.length > 0) stage.resolved = resolved.map((entityId) => ({ entity: 'customer', entityId }));
    const result = await deps.store.stage(stage);
    for (const id of resolved) ctx.quarantined.delete(id);
    resolved = [];
    const w = result.writes[0]; // the only write (its name carries the configured prefix)
    report.counts.written += w?.inserted ?? 0;
    report.counts.skipped += w?.skipped ?? 0;
    report.progress();
  }
  return true;
}
