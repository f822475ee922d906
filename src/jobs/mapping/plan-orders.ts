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
import type { CustomerMemos } from './customer-memo.js';
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
  /**
   * What is kept of each customer's mapping in this run (customer-memo.ts): a customer met on
   * many pages is prepared and mapped once, not once per page.
   */
  memos: CustomerMemos;
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
  // A snapshot planned (or staged before) is not needed again: the memo lets its row go.
  for (const id of customerIds) s.memos.settled(id, s.latestHash.get(Number(id)));
  return plan;
}

/**
 * The snapshot of each customer of the page's qualifying orders: recalled from this run's earlier
 * mapping of the customer while its inputs are the same (customer-memo.ts), else prepared
 * (CustomerSource) and mapped.
 */
async function mapCustomers(
  customerIds: readonly string[],
  included: ReadonlyMap<string, JsonApiResource>,
  s: OrderRunState,
): Promise<Map<string, MappedCustomer>> {
  const out = new Map<string, MappedCustomer>();
  const codeOf = (id: string) => s.codes.get(Number(id)) ?? null;
  const pageLookup = s.cache.lookup(included);
  for (const id of customerIds) {
    const c = pageLookup('customers', id);
    const hit = c && s.memos.recall(id, c, codeOf(id), pageLookup, s.latestHash.get(Number(id)));
    if (hit) out.set(id, hit);
  }
  const rest = customerIds.filter((id) => !out.has(id));
  if (rest.length === 0) return out;
  const prepared = await s.customers.load(rest, included);
  const custLookup = s.cache.lookup(included, prepared.related);
  const owned = s.cache.lookup();
  const cfg = s.config;
  const mapped = await s.cache.settle(() =>
    rest.map((id) => {
      const c = prepared.customers.get(id);
      if (!c) return { id, row: null, problems: [`customer ${id} was not returned by Oro`], missing: [] };
      const code = codeOf(id);
      const recorder = s.memos.recorder(custLookup, owned);
      const m = mapCustomer(c, recorder.lookup, {
        reason: 'order',
        erpCustomerCode: code,
        customAttributes: cfg.customers.customAttributes,
        watch: cfg.customers.watch,
      });
      const result = { row: m.row, problems: m.problems.map((p) => p.message), missing: m.missing };
      recorder.remember(id, c, code, result);
      return { id, ...result };
    }),
  );
  for (const { id, ...m } of mapped) out.set(id, m);
  return out;
}
