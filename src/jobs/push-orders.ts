/**
 * `sagesync push-orders`: every Oro order that meets `orders.criteria` is staged exactly once,
 * with all of its lines, after its customer's snapshot (staging-tables.md guarantees 1 and 2).
 *
 * The push loop (kit/push-loop.ts) reads, retries, pipelines and commits; this file says how a
 * page of orders is planned and what a batch writes. The incremental read lists ids and
 * `updatedAt` only and fetches in full just the orders not staged yet, `oro.concurrency` at a
 * time (kit/feeds.ts sparseFeed). Per fetched page: plan (mapping/plan-orders.ts; the next pages'
 * planning overlaps this page's transactions, PLAN_AHEAD), quarantine the records that cannot
 * be staged, then one `store.stage` per `orders.batchSize` orders holding the customer
 * snapshots, the headers with their lines, and (with the page's last batch) the cursor. The
 * cursor therefore only moves in the transaction that writes the rows it covers; a quarantined
 * order does not hold it back (it is retried by id, with backoff, on later runs).
 */
import type { JsonApiResource, OroClient, OroOrder } from '../oro/types.js';
import type { TableWrite } from '../staging/store.js';
import { CUSTOMER, ORDER, ORDER_LINE } from '../staging/tables.js';
import { sparseFeed } from './kit/feeds.js';
import { runPush, type PageInput, type PushPages, type PushPlan, type PushRun } from './kit/push-loop.js';
import { CustomerMemos } from './mapping/customer-memo.js';
import { CustomerSource } from './mapping/customer-source.js';
import { releaseStaged, type OrderPagePlan, type PlannedOrder } from './mapping/order-decision.js';
import { planOrders, type OrderRunState } from './mapping/plan-orders.js';
import { ResourceCache } from './mapping/resource-cache.js';
import type { JobDeps, JobOptions, JobReport } from './types.js';

export const PUSH_ORDERS = 'push-orders' as const;
export const ORDER_INCLUDE = ['lineItems', 'billingAddress', 'shippingAddress', 'customer', 'customerUser'];
/**
 * Pages planned and not yet committed, at most, counting the one being planned: planning runs
 * up to two pages ahead of the staging transactions, so waiting for the database overlaps
 * planning instead of adding to it (and a short stall of either side is absorbed).
 */
const PLAN_AHEAD = 3;
/**
 * Customers kept prepared (customer-source.ts): one page's worth. A customer met again is
 * recalled from its memo (customer-memo.ts), so push-orders re-reads a prepared customer only
 * when its memo no longer holds (a contact changed on a later page, a mapping that had problems),
 * soon after; kept longer, they were 0.9 MB (4.4 KB each) of a catch-up's live heap against
 * 0.2 MB for a small one (docs/measurements.md).
 */
const PREPARED_KEPT = 100;

export async function pushOrders(deps: JobDeps, options: JobOptions): Promise<JobReport> {
  return runPush(deps, options, {
    job: PUSH_ORDERS,
    entity: 'order',
    resource: 'orders',
    include: ORDER_INCLUDE,
    stagingIds: true,
    screenIds: orderIds,
    failOnce: true,
    pages: (oro, run) => orderPages(oro, run),
  });
}

function orderPages(oro: OroClient, run: PushRun): PushPages<PlannedOrder> {
  const { deps } = run;
  const cache = new ResourceCache(oro, deps.logger);
  const state: OrderRunState = {
    config: deps.config,
    store: deps.store,
    cache,
    customers: new CustomerSource(oro, cache, deps.logger, PREPARED_KEPT),
    latestHash: new Map(),
    codes: new Map(),
    memos: new CustomerMemos(),
  };
  return {
    feed: (since) =>
      sparseFeed({
        oro,
        resource: 'orders',
        stagedIds: (ids) => deps.store.stagedOrderIds(ids),
        since,
        overlapSeconds: deps.config.oro.overlapSeconds,
        include: ORDER_INCLUDE,
        batchSize: deps.config.oro.pageSize,
        concurrency: deps.config.oro.concurrency,
      }),
    planAhead: PLAN_AHEAD,
    batchSize: deps.config.orders.batchSize,
    plan: (input) => planPage(oro, run, input, state),
    writes: writesFor,
    counted: ORDER,
    describe,
    idOf: (p) => String(p.order.oroOrderId),
    // Staged: its rows are done with (releaseStaged says why they are let go of explicitly).
    staged: (batch) => batch.forEach(releaseStaged),
  };
}

/** `staged`: ids listed (by the sparse read) that were staged already, counted as skipped. */
async function planPage(
  oro: OroClient,
  run: PushRun,
  { page, staged, screened }: PageInput,
  state: OrderRunState,
): Promise<PushPlan<PlannedOrder>> {
  const { report, deps, options } = run;
  const orders: OroOrder[] = oro.resolveOrders(page);
  // Before 6.1.8 an order lists at most 100 lines: such an order's lines are read whole first.
  const reread = await oro.completeOrders(orders);
  if (reread > 0) deps.logger.debug('orders at the to-many cap: lines read whole', { orders: reread });
  const planned: OrderPagePlan =
    orders.length === 0
      ? { stage: [], failures: [], skipped: [] }
      : await planOrders(orders, page.included, state);
  // The orders resolved here are done with too (the loop empties the page itself).
  for (const o of orders) {
    o.lineItems.length = 0;
    o.billingAddress = o.shippingAddress = o.customer = o.customerUser = null;
  }
  orders.length = 0;
  for (const id of staged) planned.skipped.push({ id, why: 'already staged' });
  report.counts.skipped += planned.skipped.length;
  for (const k of planned.skipped) {
    if (!k.subOrder) continue;
    // Visible in --dry-run with its reason; a main order staged before it had sub-orders is
    // worth a warning (its sub-orders are never staged, X3 has its demand already).
    if (options.dryRun) report.plan.push({ table: 'order', oroOrderId: k.id, skipped: k.why });
    if (k.why.includes('before it had sub-orders')) deps.logger.warn(`order ${k.id}: ${k.why}`);
  }
  return {
    stage: planned.stage,
    failures: [...planned.failures, ...screened],
    // Skipped orders that were in quarantine are settled (staged meanwhile, or no longer qualify).
    settles: planned.skipped.map((s) => s.id),
  };
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
