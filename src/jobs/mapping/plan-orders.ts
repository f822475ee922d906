/**
 * The "plan" half of push-orders (STYLE.md "Plan, then apply"): given one page of Oro orders,
 * decide which are staged (with which customer snapshot), which are skipped and which fail.
 * It reads (Oro lookups, staging lookups) but writes nothing; push-orders.ts applies the plan.
 */
import type { Config } from '../../config/schema.js';
import type { JsonApiResource, OroOrder } from '../../oro/types.js';
import type { Row, StagingStore } from '../../staging/store.js';
import { evaluateCriteria, type Criteria } from '../criteria.js';
import { mapCustomer } from './customer-snapshot.js';
import type { CustomerSource } from './customer-source.js';
import { mapOrder, type MappedOrder } from './map-order.js';
import type { ResourceLookup } from './paths.js';
import { missingProblem, type ResourceCache } from './resource-cache.js';

export interface OrderRunState {
  config: Config;
  store: StagingStore;
  cache: ResourceCache;
  customers: CustomerSource;
  /** X3 codes known at the customer's first order of this run (null: none yet). */
  codes: Map<number, string | null>;
  /** Latest staged (or planned in this run) snapshot hash per customer. */
  latestHash: Map<number, string>;
  /** The last mapping of each customer in this run, reused while its inputs are the same. */
  mappedCustomers?: Map<string, CustomerMapping>;
}

/**
 * A customer's mapping and every resource it read: the same customer object (CustomerSource
 * keeps it while its `updatedAt` holds), the same X3 code and the very same related resources
 * (or the same absence) give the same row and hash, so a customer met on many pages is mapped
 * once instead of once per page. Anything different (a newer copy in a page's `included`) maps
 * again.
 */
interface CustomerMapping {
  customer: JsonApiResource;
  code: string | null;
  read: [type: string, id: string, found: JsonApiResource | null | undefined][];
  result: { row: Row | null; problems: string[]; missing: string[] };
}

export interface PlannedOrder {
  order: MappedOrder;
  oroCustomerId: number;
  /** The snapshot to stage before the order; null when the identical one is already staged. */
  customerRow: Row | null;
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

export interface OrderPagePlan {
  stage: PlannedOrder[];
  failures: { id: string; reason: string }[];
  skipped: { id: string; why: string; subOrder?: true }[];
}

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

const parentOf = (o: OroOrder): number | null => {
  const p = o.order.relationships['parent']?.data;
  return p && !Array.isArray(p) ? Number(p.id) : null;
};

export async function planOrders(
  orders: readonly OroOrder[],
  included: ReadonlyMap<string, JsonApiResource>,
  s: OrderRunState,
): Promise<OrderPagePlan> {
  const plan: OrderPagePlan = { stage: [], failures: [], skipped: [] };
  const lookup = s.cache.lookup(included);
  // The staging lookups of the page go out together, while the criteria are evaluated: one
  // round trip's wait instead of three in a row. Codes and hashes are asked for every customer
  // of the page not known yet, and kept only for those with a qualifying order (below), exactly
  // as if they had been asked for after the criteria.
  const pageCustomers = [
    ...new Set(orders.map((o) => customerIdOf(o)).filter((id): id is string => id !== null)),
  ].map(Number);
  const askCodes = pageCustomers.filter((id) => !s.codes.has(id));
  const askHashes = pageCustomers.filter((id) => !s.latestHash.has(id));
  const parents = orders.map(parentOf).filter((id): id is number => id !== null);
  const lookups = Promise.all([
    s.store.stagedOrderIds([...orders.map((o) => Number(o.order.id)), ...parents]),
    askCodes.length > 0 ? s.store.customerCodes(askCodes) : new Map<number, string>(),
    askHashes.length > 0 ? s.store.lastCustomerHashes(askHashes) : new Map<number, string>(),
  ]);
  // Observed below; this only keeps a failing criteria function from leaving it unhandled.
  lookups.catch(() => undefined);

  const criteria = s.config.orders.criteria as Criteria;
  const verdicts = await s.cache.settle(() =>
    Promise.all(orders.map((o) => evaluateCriteria(criteria, o, lookup))),
  );
  const [staged, foundCodes, foundHashes] = await lookups;
  const qualifying: OroOrder[] = [];
  orders.forEach((o, i) => {
    if (staged.has(Number(o.order.id))) {
      plan.skipped.push({ id: o.order.id, why: 'already staged' });
      return;
    }
    const notThis = subOrderSkip(o, s.config.orders.subOrders, staged);
    if (notThis !== null) {
      plan.skipped.push({ id: o.order.id, why: notThis, subOrder: true });
      return;
    }
    const v = verdicts[i] as (typeof verdicts)[number];
    if (v.missing.length > 0)
      plan.failures.push({ id: o.order.id, reason: `criteria: ${missingProblem(v.missing)}` });
    else if (v.qualifies) qualifying.push(o);
    else plan.skipped.push({ id: o.order.id, why: 'criteria not met' });
  });
  if (qualifying.length === 0) return plan;

  const customerIds = [
    ...new Set(qualifying.map((o) => customerIdOf(o)).filter((id): id is string => id !== null)),
  ];
  for (const id of customerIds.map(Number)) {
    if (!s.codes.has(id)) s.codes.set(id, foundCodes.get(id) ?? null);
    const h = foundHashes.get(id);
    if (!s.latestHash.has(id) && h !== undefined) s.latestHash.set(id, h);
  }
  const codes = s.codes;
  const customers = await s.customers.load(customerIds, included);
  const custLookup = s.cache.lookup(included);
  const cfg = s.config;
  const mappedCustomers = await s.cache.settle(() =>
    customerIds.map((id) => {
      const c = customers.get(id);
      if (!c) return { id, row: null, problems: [`customer ${id} was not returned by Oro`], missing: [] };
      const code = codes.get(Number(id)) ?? null;
      const memo = s.mappedCustomers?.get(id);
      if (
        memo &&
        memo.customer === c &&
        memo.code === code &&
        memo.read.every(([type, rid, found]) => sameResource(custLookup(type, rid), found))
      ) {
        return { id, ...memo.result };
      }
      const read: CustomerMapping['read'] = [];
      const recording: ResourceLookup = (type, rid) => {
        const found = custLookup(type, rid);
        read.push([type, rid, found]);
        return found;
      };
      const m = mapCustomer(c, recording, {
        reason: 'order',
        erpCustomerCode: code,
        customAttributes: cfg.customers.customAttributes,
        watch: cfg.customers.watch,
      });
      const result = { row: m.row, problems: m.problems.map((p) => p.message), missing: m.missing };
      if (m.missing.length === 0) s.mappedCustomers?.set(id, { customer: c, code, read, result });
      return { id, ...result };
    }),
  );
  const customerById = new Map(mappedCustomers.map((c) => [c.id, c]));

  const mappedOrders = await s.cache.settle(() =>
    qualifying.map((o) => {
      const cid = customerIdOf(o);
      return mapOrder(o, lookup, {
        erpCustomerCode: cid === null ? null : (codes.get(Number(cid)) ?? null),
        orderAttributes: cfg.orders.customAttributes,
        lineAttributes: cfg.orderLines.customAttributes,
      });
    }),
  );

  qualifying.forEach((o, i) => {
    const m = mappedOrders[i] as MappedOrder;
    const cid = customerIdOf(o);
    const problems = [...m.problems];
    if (m.missing.length > 0) problems.push(missingProblem(m.missing));
    const cust = cid === null ? undefined : customerById.get(cid);
    if (cust && (cust.problems.length > 0 || cust.missing.length > 0)) {
      const why = [...cust.problems, ...(cust.missing.length ? [missingProblem(cust.missing)] : [])];
      problems.push(`its customer ${cid} cannot be staged: ${why.join('; ')}`);
    }
    if (problems.length > 0 || cid === null || !cust?.row) {
      if (problems.length === 0) problems.push('the order has no customer');
      plan.failures.push({ id: o.order.id, reason: problems.join('; ') });
      return;
    }
    const hash = String(cust.row.payload_hash);
    const needed = s.latestHash.get(Number(cid)) !== hash;
    if (needed) s.latestHash.set(Number(cid), hash);
    plan.stage.push({ order: m, oroCustomerId: Number(cid), customerRow: needed ? cust.row : null });
  });
  return plan;
}

/**
 * The same resource, or an equal copy (a page's `included` brings a fresh copy of, say, the
 * customer user who is also the main contact): equal attributes and related ids.
 */
function sameResource(a: JsonApiResource | null | undefined, b: JsonApiResource | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.type !== b.type || a.id !== b.id) return false;
  if (!sameJson(a.attributes, b.attributes)) return false;
  // Relationship `data` only: a copy read with HATEOAS on also carries `links`, not content.
  const ra = Object.keys(a.relationships);
  if (ra.length !== Object.keys(b.relationships).length) return false;
  return ra.every(
    (k) => Object.hasOwn(b.relationships, k) && sameJson(a.relationships[k]?.data, b.relationships[k]?.data),
  );
}

/** Deep equality of parsed JSON values (no string built: this runs for every customer per page). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameJson(ra[k], rb[k]));
}

function customerIdOf(o: OroOrder): string | null {
  const rel = o.order.relationships?.customer?.data;
  return rel && !Array.isArray(rel) ? rel.id : null;
}
