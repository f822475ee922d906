/**
 * push-orders' decision, pure (STYLE.md "Plan, then apply"): given what was gathered for a page
 * (mapping/plan-orders.ts reads Oro and staging), which orders are staged, with which customer
 * snapshot, which are skipped and which fail. No I/O and no state kept between calls: a unit test
 * drives it with plain objects (test/jobs/order-decision.test.ts).
 */
import type { OroOrder } from '../../oro/types.js';
import type { Row } from '../../staging/store.js';
import type { CriteriaResult } from '../criteria.js';
import type { MappedOrder } from './map-order.js';
import { missingProblem, problemsOf } from './resource-cache.js';

export interface PlannedOrder {
  order: MappedOrder;
  oroCustomerId: number;
  /** The snapshot to stage before the order; null when the identical one is already staged. */
  customerRow: Row | null;
}

export interface OrderPagePlan {
  stage: PlannedOrder[];
  failures: { id: string; reason: string }[];
  skipped: { id: string; why: string; subOrder?: true }[];
}

/** A customer's snapshot as mapped for this page, or why it cannot be staged. */
export interface MappedCustomer {
  row: Row | null;
  /**
   * The snapshot's hash when `row` is left out: a mapping recalled from earlier in the run whose
   * snapshot is the latest staged or planned one (customer-memo.ts), so no order needs its row.
   */
  hash?: string;
  problems: string[];
  missing: string[];
}

const RELEASED_ROW: Row = Object.freeze({});

/**
 * Drops a staged order's rows from its plan entry (the entry itself stays, with its id). V8 may
 * have put the plan's objects in the old generation: it "pretenures" an allocation site whose
 * recent objects nearly all outlive a minor collection, as a page's plan entries do while they
 * wait for their transaction. A dead object there is only found dead at the next full
 * collection, and until then whatever it points to survives every minor collection and is
 * promoted too: on some runs every row of the run went to the old generation, and a
 * 20,000-order push-orders peaked at 180–215 MB instead of about 150 MB.
 */
export function releaseStaged(p: PlannedOrder): void {
  p.order.lines.length = 0;
  p.order.header = RELEASED_ROW;
  p.customerRow = null;
}

export function customerIdOf(o: OroOrder): string | null {
  const rel = o.order.relationships?.customer?.data;
  return rel && !Array.isArray(rel) ? rel.id : null;
}

export const parentOf = (o: OroOrder): number | null => {
  const p = o.order.relationships['parent']?.data;
  return p && !Array.isArray(p) ? Number(p.id) : null;
};

/**
 * Which of a main order and its sub-orders is staged (orders.subOrders; since Oro 6.0: checkout
 * with "create sub-orders for each group" saves a main order holding every line and one sub-order
 * per group, all listed by /admin/api/orders, oroinc/orocommerce
 * src/Oro/Bundle/CheckoutBundle/DataProvider/Converter/CheckoutToOrderConverter.php @6.1.0). Each
 * order says which it is (`parent`, `subOrders`), so the order they are read in does not matter.
 * `stagedParents`: main orders already staged; a sub-order of one is not staged in split mode
 * either (that would send the demand twice), as when its main order was staged before it had any.
 */
function subOrderSkip(
  o: OroOrder,
  mode: 'split' | 'main',
  stagedParents: ReadonlySet<number>,
): string | null {
  const parent = o.order.relationships['parent']?.data;
  const parentId = parent && !Array.isArray(parent) ? parent.id : null;
  const subs = o.order.relationships['subOrders']?.data;
  if (mode === 'split' && Array.isArray(subs) && subs.length > 0) {
    return `main order of sub-orders ${subs.map((r) => r.id).join(', ')} (orders.subOrders: split stages those)`;
  }
  if (parentId === null) return null;
  if (mode === 'main') return `sub-order of order ${parentId} (orders.subOrders: main stages that one)`;
  if (stagedParents.has(Number(parentId))) {
    return `sub-order of order ${parentId}, which was staged whole before it had sub-orders: not staged again`;
  }
  return null;
}

/**
 * First decision: which orders of the page go on to be mapped (`qualifying`), given the ids
 * staged already (the orders and their parents) and each order's criteria verdict.
 */
export function sortOrders(
  orders: readonly OroOrder[],
  verdicts: readonly CriteriaResult[],
  staged: ReadonlySet<number>,
  subOrders: 'split' | 'main',
): { plan: OrderPagePlan; qualifying: OroOrder[] } {
  const plan: OrderPagePlan = { stage: [], failures: [], skipped: [] };
  const qualifying: OroOrder[] = [];
  orders.forEach((o, i) => {
    if (staged.has(Number(o.order.id))) {
      plan.skipped.push({ id: o.order.id, why: 'already staged' });
      return;
    }
    const notThis = subOrderSkip(o, subOrders, staged);
    if (notThis !== null) {
      plan.skipped.push({ id: o.order.id, why: notThis, subOrder: true });
      return;
    }
    const v = verdicts[i] as CriteriaResult;
    if (v.missing.length > 0)
      plan.failures.push({ id: o.order.id, reason: `criteria: ${missingProblem(v.missing)}` });
    else if (v.qualifies) qualifying.push(o);
    else plan.skipped.push({ id: o.order.id, why: 'criteria not met' });
  });
  return { plan, qualifying };
}

/**
 * Second decision: each qualifying order (mapped as `mapped[i]`) is staged, with its customer's
 * snapshot when that differs from the latest staged (`latestHash`, or one planned earlier on this
 * page), or fails with every reason. Adds to `plan`; returns the hashes planned, for the caller
 * to remember.
 */
export function decideStaging(
  plan: OrderPagePlan,
  qualifying: readonly OroOrder[],
  mapped: readonly MappedOrder[],
  customers: ReadonlyMap<string, MappedCustomer>,
  latestHash: ReadonlyMap<number, string>,
): Map<number, string> {
  const planned = new Map<number, string>();
  qualifying.forEach((o, i) => {
    const m = mapped[i] as MappedOrder;
    const cid = customerIdOf(o);
    const problems = problemsOf(m);
    const cust = cid === null ? undefined : customers.get(cid);
    const why = cust ? problemsOf(cust) : [];
    if (why.length > 0) problems.push(`its customer ${cid} cannot be staged: ${why.join('; ')}`);
    const hash = cust?.row ? String(cust.row.payload_hash) : cust?.hash;
    const id = Number(cid);
    const needed = hash !== undefined && (planned.get(id) ?? latestHash.get(id)) !== hash;
    // A recalled mapping comes without its row only when its hash is the latest (see above).
    if (needed && !cust?.row) problems.push(`the snapshot of its customer ${cid} was not at hand`);
    if (problems.length > 0 || cid === null || hash === undefined) {
      if (problems.length === 0) problems.push('the order has no customer');
      plan.failures.push({ id: o.order.id, reason: problems.join('; ') });
      return;
    }
    if (needed) planned.set(id, hash);
    plan.stage.push({ order: m, oroCustomerId: id, customerRow: needed ? (cust?.row ?? null) : null });
  });
  return planned;
}
