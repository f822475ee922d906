/**
 * The "plan" half of push-orders (STYLE.md "Plan, then apply"), gathering: given one page of
 * Oro orders, reads what the decision needs (staging lookups, related resources and customers
 * from Oro, each mapped) and hands it to the pure decision (mapping/order-decision.ts), which
 * says which are staged (with which customer snapshot), which are skipped and which fail. It
 * writes nothing; the push loop applies the plan (push-orders.ts says what a batch writes).
 */
import type { Config } from '../../config/schema.js';
import type { JsonApiResource, OroOrder } from '../../oro/types.js';
import type { StagingStore } from '../../staging/store.js';
import { evaluateCriteria } from '../criteria.js';
import { mapCustomer } from './customer-snapshot.js';
import type { CustomerSource } from './customer-source.js';
import { mapOrder } from './map-order.js';
import {
  customerIdOf,
  decideStaging,
  parentOf,
  sortOrders,
  type MappedCustomer,
  type OrderPagePlan,
} from './order-decision.js';
import type { ResourceLookup } from './paths.js';
import type { ResourceCache } from './resource-cache.js';

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
  result: MappedCustomer;
}

export async function planOrders(
  orders: readonly OroOrder[],
  included: ReadonlyMap<string, JsonApiResource>,
  s: OrderRunState,
): Promise<OrderPagePlan> {
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

  const criteria = s.config.orders.criteria;
  const verdicts = await s.cache.settle(() =>
    Promise.all(orders.map((o) => evaluateCriteria(criteria, o, lookup))),
  );
  const [staged, foundCodes, foundHashes] = await lookups;
  const { plan, qualifying } = sortOrders(orders, verdicts, staged, s.config.orders.subOrders);
  if (qualifying.length === 0) return plan;

  const customerIds = [
    ...new Set(qualifying.map((o) => customerIdOf(o)).filter((id): id is string => id !== null)),
  ];
  for (const id of customerIds.map(Number)) {
    if (!s.codes.has(id)) s.codes.set(id, foundCodes.get(id) ?? null);
    const h = foundHashes.get(id);
    if (!s.latestHash.has(id) && h !== undefined) s.latestHash.set(id, h);
  }
  const customerById = await mapCustomers(customerIds, included, s);
  const codes = s.codes;
  const cfg = s.config;

  const mappedOrders = await s.cache.settle(() =>
    qualifying.map((o) => {
      const cid = customerIdOf(o);
      return mapOrder(o, lookup, {
        erpCustomerCode: cid === null ? null : (codes.get(Number(cid)) ?? null),
        orderAttributes: cfg.orders.customAttributes,
        lineAttributes: cfg.orderLines.customAttributes,
        allowNegativeQuantity: cfg.orders.allowNegativeQuantity,
      });
    }),
  );

  const hashes = decideStaging(plan, qualifying, mappedOrders, customerById, s.latestHash);
  for (const [id, hash] of hashes) s.latestHash.set(id, hash);
  return plan;
}

/**
 * The snapshot of each customer of the page's qualifying orders, reusing this run's mapping of
 * a customer while its inputs are the same (CustomerMapping).
 */
async function mapCustomers(
  customerIds: readonly string[],
  included: ReadonlyMap<string, JsonApiResource>,
  s: OrderRunState,
): Promise<Map<string, MappedCustomer>> {
  const codes = s.codes;
  const customers = await s.customers.load(customerIds, included);
  const custLookup = s.cache.lookup(included);
  const cfg = s.config;
  const mapped = await s.cache.settle(() =>
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
  return new Map(mapped.map((c) => [c.id, c]));
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
