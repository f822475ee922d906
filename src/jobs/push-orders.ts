/**
 * `sagesync push-orders`: every Oro order that meets `orders.criteria` is staged exactly once,
 * with all of its lines, after its customer's snapshot (staging-tables.md guarantees 1 and 2).
 *
 * The incremental read lists ids and `updatedAt` only and fetches in full just the orders not
 * staged yet, `oro.concurrency` at a time (order-feed.ts). Per fetched page: plan
 * (mapping/plan-orders.ts; the next page's planning overlaps this page's transaction, see
 * incremental()), quarantine the records that
 * cannot be staged, then one `store.stage` per `orders.batchSize` orders holding the customer
 * snapshots, the headers with their lines, and (with the page's last batch) the cursor. The
 * cursor therefore only moves in the transaction that writes the rows it covers; a quarantined
 * order does not hold it back (it is retried by id, with backoff, on later runs).
 */
import type { JsonApiResource, OroClient, OroOrder, Page } from '../oro/types.js';
import type { StageBatch, TableWrite } from '../staging/store.js';
import { CUSTOMER, ORDER, ORDER_LINE } from '../staging/tables.js';
import { CustomerSource } from './mapping/customer-source.js';
import { chunks, parseIds, ReportBuilder, screenPage, stagingIdsOnly } from './mapping/job-kit.js';
import {
  planOrders,
  releaseStaged,
  type OrderPagePlan,
  type OrderRunState,
  type PlannedOrder,
} from './mapping/plan-orders.js';
import { ResourceCache } from './mapping/resource-cache.js';
import { orderFeed } from './order-feed.js';
import type { JobDeps, JobOptions, JobReport } from './types.js';

export const PUSH_ORDERS = 'push-orders' as const;
export const ORDER_INCLUDE = ['lineItems', 'billingAddress', 'shippingAddress', 'customer', 'customerUser'];
/** Quarantined orders retried per run. */
const RETRY_LIMIT = 500;
/**
 * Pages planned and not yet committed, at most, counting the one being planned: planning runs
 * up to two pages ahead of the staging transactions, so waiting for the database overlaps
 * planning instead of adding to it (and a short stall of either side is absorbed).
 */
const PLAN_AHEAD = 3;

interface Ctx {
  deps: JobDeps;
  options: JobOptions;
  oro: OroClient;
  state: OrderRunState;
  report: ReportBuilder;
  /** Order ids with an open quarantine entry: resolved in the batch that settles them. */
  quarantined: Set<string>;
  /** Failed already in this run (a retried order met again in the overlap window). */
  failedThisRun: Set<string>;
}

export async function pushOrders(deps: JobDeps, options: JobOptions): Promise<JobReport> {
  const report = new ReportBuilder(PUSH_ORDERS, deps);
  try {
    const oro = await deps.oro();
    const cache = new ResourceCache(oro, deps.logger);
    const ctx: Ctx = {
      deps,
      options,
      oro,
      report,
      state: {
        config: deps.config,
        store: deps.store,
        cache,
        customers: new CustomerSource(oro, cache, deps.logger),
        latestHash: new Map(),
        codes: new Map(),
        mappedCustomers: new Map(),
      },
      failedThisRun: new Set(),
      quarantined: new Set(
        (await deps.store.openQuarantine(PUSH_ORDERS))
          .filter((q) => q.entity === 'order')
          .map((q) => q.entityId),
      ),
    };
    const ids = parseIds(options.ids);
    if (ids) {
      await byIds(ctx, ids, true);
    } else {
      const due = await deps.store.dueQuarantine(PUSH_ORDERS, deps.clock(), RETRY_LIMIT);
      const dueIds = due.filter((q) => q.entity === 'order').map((q) => q.entityId);
      if (dueIds.length > 0) await byIds(ctx, dueIds, false);
      await incremental(ctx);
    }
    return report.finish(options.dryRun);
  } catch (err) {
    return report.failed(err, options.dryRun);
  }
}

/**
 * Pages are planned ahead of the staging (PLAN_AHEAD): while page k's transaction runs on the
 * database, the next pages are planned here (and fetched, order-feed.ts). Transactions still commit one
 * at a time and in page order, and one that fails (or stops on the time budget) stops the run
 * before any later page is applied, so a customer's snapshot still commits no later than its
 * orders and the cursor only moves with the rows it covers. Planning may not yet see an earlier
 * page's orders as staged: an order met in both is then left out by the unique key (ON CONFLICT
 * DO NOTHING) and counted as skipped, as it would have been by the lookup.
 */
async function incremental(ctx: Ctx): Promise<void> {
  const { deps } = ctx;
  const since = await deps.store.getCursor(PUSH_ORDERS);
  const units = orderFeed({
    oro: ctx.oro,
    store: deps.store,
    since,
    overlapSeconds: deps.config.oro.overlapSeconds,
    include: ORDER_INCLUDE,
    batchSize: deps.config.oro.pageSize,
    concurrency: deps.config.oro.concurrency,
  });
  let cursor = since;
  // Applies run one after the other, in page order: each waits for the one before it.
  let chain: Promise<boolean> = Promise.resolve(true);
  const applying: Promise<boolean>[] = [];
  try {
    for await (const unit of units) {
      if (ctx.report.outOfTime()) break;
      const planned = await planPage(ctx, unit.page, unit.staged);
      const pageCursor = unit.watermark !== cursor ? unit.watermark : undefined;
      chain = chain.then((ok) => (ok ? applyPage(ctx, planned, pageCursor) : false));
      // Observed below; this only keeps a failure from going unhandled while pages are planned.
      chain.catch(() => undefined);
      applying.push(chain);
      if (unit.watermark !== undefined) cursor = unit.watermark;
      if (applying.length >= PLAN_AHEAD && !(await applying.shift())) return;
    }
    await chain;
  } finally {
    // A planning error must not leave a transaction running behind the report.
    await chain.catch(() => undefined);
  }
}

/** `--id` (explicit) or quarantine retries: read by id, stage without touching the cursor. */
async function byIds(ctx: Ctx, asked: string[], explicit: boolean): Promise<void> {
  const { deps, report, options } = ctx;
  const ids = await stagingIdsOnly(asked, explicit, PUSH_ORDERS, 'order', deps, report, options.dryRun);
  const seen = new Set<string>();
  for (const chunk of chunks(ids, 100)) {
    const pages = ctx.oro.list('orders', {
      filter: { id: chunk.join(',') },
      include: ORDER_INCLUDE,
      pageSize: 100,
    });
    for await (const page of pages) {
      if (ctx.report.outOfTime()) return;
      for (const r of page.data) seen.add(r.id);
      if (!(await processPage(ctx, page, undefined))) return;
    }
  }
  const gone = ids.filter((id) => !seen.has(id));
  if (gone.length === 0) return;
  if (explicit) {
    for (const id of gone) ctx.report.fail('order', id, `order ${id} does not exist in Oro`);
  } else if (!ctx.options.dryRun) {
    // A quarantined order that Oro no longer has can never be staged: stop retrying it.
    ctx.deps.logger.warn('quarantined orders no longer exist in Oro; their quarantine is resolved', {
      ids: gone,
    });
    await ctx.deps.store.stage({
      job: PUSH_ORDERS,
      writes: [],
      resolved: gone.map((entityId) => ({ entity: 'order', entityId })),
    });
  }
}

/** Plans and applies one page; false when the time budget stopped it before the end. */
async function processPage(ctx: Ctx, page: Page, cursor: string | undefined): Promise<boolean> {
  return applyPage(ctx, await planPage(ctx, page), cursor);
}

/** `staged`: ids listed (by the sparse read) that were staged already, counted as skipped. */
async function planPage(ctx: Ctx, page: Page, staged: readonly string[] = []): Promise<OrderPagePlan> {
  const { report } = ctx;
  const screened = screenPage(page, 'order', report, ctx.deps.logger, orderIds);
  const orders: OroOrder[] = ctx.oro.resolveOrders(page);
  report.counts.read += orders.length + screened.length + staged.length;
  // Before 6.1.8 an order lists at most 100 lines: such an order's lines are read whole first.
  const reread = await ctx.oro.completeOrders(orders);
  if (reread > 0) ctx.deps.logger.debug('orders at the to-many cap: lines read whole', { orders: reread });
  const plan: OrderPagePlan =
    orders.length === 0
      ? { stage: [], failures: [], skipped: [] }
      : await planOrders(orders, page.included as ReadonlyMap<string, JsonApiResource>, ctx.state);
  // The plan holds what staging needs; the page's resources are done with. Emptied here (a page
  // is ours once read), so that a page object the garbage collector has not yet found dead
  // cannot keep them alive (releaseStaged says why that matters).
  for (const o of orders) {
    o.lineItems.length = 0;
    o.billingAddress = o.shippingAddress = o.customer = o.customerUser = null;
  }
  orders.length = 0;
  page.data.length = 0;
  page.included.clear();
  plan.failures.push(...screened);
  plan.failures = plan.failures.filter((f) => !ctx.failedThisRun.has(f.id));
  for (const f of plan.failures) {
    ctx.failedThisRun.add(f.id);
    report.fail('order', f.id, f.reason);
  }
  for (const id of staged) plan.skipped.push({ id, why: 'already staged' });
  report.counts.skipped += plan.skipped.length;
  for (const k of plan.skipped) {
    if (!k.subOrder) continue;
    // Visible in --dry-run with its reason; a main order staged before it had sub-orders is
    // worth a warning (its sub-orders are never staged, X3 has its demand already).
    if (ctx.options.dryRun) ctx.report.plan.push({ table: 'order', oroOrderId: k.id, skipped: k.why });
    if (k.why.includes('before it had sub-orders')) ctx.deps.logger.warn(`order ${k.id}: ${k.why}`);
  }
  return plan;
}

/** Writes a planned page (quarantine, then its batches); false when the time budget stopped it. */
async function applyPage(ctx: Ctx, plan: OrderPagePlan, cursor: string | undefined): Promise<boolean> {
  const { deps, report, options } = ctx;
  if (options.dryRun) {
    for (const p of plan.stage) report.plan.push(...describe(p));
    report.counts.written += plan.stage.length;
    report.progress();
    return true;
  }
  if (plan.failures.length > 0) {
    // Before the cursor moves past them: a crash in between re-reads them, loses nothing.
    await deps.store.quarantine(
      plan.failures.map((f) => ({ job: PUSH_ORDERS, entity: 'order', entityId: f.id, error: f.reason })),
      deps.clock(),
    );
    for (const f of plan.failures) ctx.quarantined.add(f.id);
  }
  // Skipped orders that were in quarantine are settled (staged meanwhile, or no longer qualify).
  let resolved = plan.skipped.map((s) => s.id).filter((id) => ctx.quarantined.has(id));
  const batches = chunks(plan.stage, deps.config.orders.batchSize);
  if (batches.length === 0 && (cursor !== undefined || resolved.length > 0)) batches.push([]);
  for (let i = 0; i < batches.length; i++) {
    if (i > 0 && report.outOfTime()) return false;
    const batch = batches[i] as PlannedOrder[];
    const ids = batch.map((p) => String(p.order.oroOrderId));
    resolved = [...resolved, ...ids.filter((id) => ctx.quarantined.has(id))];
    const writes = writesFor(batch);
    const stage: StageBatch = { job: PUSH_ORDERS, writes };
    if (i === batches.length - 1 && cursor !== undefined) stage.cursor = cursor;
    if (resolved.length > 0) stage.resolved = resolved.map((entityId) => ({ entity: 'order', entityId }));
    const result = await deps.store.stage(stage);
    // Results come in the order of the writes (their table names carry the configured prefix).
    const orderWrite = result.writes[writes.findIndex((w) => w.table === ORDER)];
    // Staged: its rows are done with (releaseStaged says why they are let go of explicitly).
    for (const p of batch) releaseStaged(p);
    for (const w of writes) {
      w.rows.length = 0;
      w.children?.rowsByParent.clear();
    }
    writes.length = 0;
    for (const id of resolved) ctx.quarantined.delete(id);
    resolved = [];
    report.counts.written += orderWrite?.inserted ?? 0;
    report.counts.skipped += orderWrite?.skipped ?? 0;
    report.progress();
  }
  return true;
}

/** The ids of an order that go into int columns: its own and its customer's. */
function orderIds(r: JsonApiResource): { what: string; id: string }[] {
  const out = [{ what: 'order id', id: r.id }];
  const c = r.relationships['customer']?.data;
  if (c && !Array.isArray(c)) out.push({ what: 'its customer id', id: c.id });
  return out;
}

/** Customers first, in the same transaction as the orders (guarantee 2). */
function writesFor(batch: readonly PlannedOrder[]): TableWrite[] {
  if (batch.length === 0) return [];
  const customers = batch.flatMap((p) => (p.customerRow ? [p.customerRow] : []));
  const writes: TableWrite[] = [];
  if (customers.length > 0) {
    writes.push({ table: CUSTOMER, rows: customers, conflictColumns: ['oro_customer_id', 'payload_hash'] });
  }
  writes.push({
    table: ORDER,
    rows: batch.map((p) => p.order.header),
    conflictColumns: ['oro_order_id'],
    children: {
      table: ORDER_LINE,
      foreignKey: 'order_staging_id',
      parentKey: 'oro_order_id',
      rowsByParent: new Map(batch.map((p) => [p.order.oroOrderId, p.order.lines])),
      conflictColumns: ['order_staging_id', 'oro_line_item_id'],
    },
  });
  return writes;
}

function describe(p: PlannedOrder): unknown[] {
  const out: unknown[] = [];
  if (p.customerRow) {
    out.push({
      table: CUSTOMER.name,
      oroCustomerId: p.oroCustomerId,
      name: p.customerRow.name,
      reason: p.customerRow.reason,
      payloadHash: p.customerRow.payload_hash,
    });
  }
  const h = p.order.header;
  out.push({
    table: ORDER.name,
    oroOrderId: p.order.oroOrderId,
    orderIdentifier: h.order_identifier,
    oroCustomerId: p.oroCustomerId,
    currency: h.currency,
    total: h.total,
    lines: p.order.lines.length,
  });
  return out;
}
