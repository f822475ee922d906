/**
 * What push-orders keeps of each customer for the rest of a run (src/jobs/mapping/customer-memo.ts),
 * and when a kept mapping is reused. The second part plans real pages from the Oro sandbox and
 * weighs what is kept per customer: kept whole (the prepared customer, its contacts and its row),
 * a catch-up over thousands of customers held 10–20 MB more live heap than a small one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CustomerMemos, digestOf, type CustomerMemo } from '../../src/jobs/mapping/customer-memo.js';
import { CustomerSource } from '../../src/jobs/mapping/customer-source.js';
import { lookupIn, type ResourceLookup } from '../../src/jobs/mapping/paths.js';
import { planOrders, type OrderRunState } from '../../src/jobs/mapping/plan-orders.js';
import { ResourceCache } from '../../src/jobs/mapping/resource-cache.js';
import { ORDER_INCLUDE } from '../../src/jobs/push-orders.js';
import type { JsonApiResource } from '../../src/oro/types.js';
import { apiRequests } from '../oro/helpers.js';
import { pushBackends, pushEnv, silent, type PushEnv } from './push-env.js';

const res = (
  type: string,
  id: string,
  attributes: Record<string, unknown>,
  relationships: JsonApiResource['relationships'] = {},
): JsonApiResource => ({ type, id, attributes, relationships });

const customer = res('customers', '5', { name: 'Acme', updatedAt: '2026-01-01T00:00:00Z' });
const group = res('customergroups', '2', { name: 'Retail' });
const contact = res('customerusers', '9', { email: 'a@example.com', enabled: true, firstName: 'Ann' });
const row = { oro_customer_id: 5, name: 'Acme', payload_hash: 'h1' };

/** Maps `customer` reading the group (from the cache) and the contact (a copy from the page). */
function remembered(memos: CustomerMemos, code: string | null = null): ResourceLookup {
  const owned = lookupIn(new Map([['customergroups:2', group]]));
  const lookup = lookupIn(new Map([['customerusers:9', contact]]), new Map([['customergroups:2', group]]));
  const rec = memos.recorder(lookup, owned);
  rec.lookup('customergroups', '2');
  rec.lookup('customerusers', '9');
  rec.lookup('customerusers', '9');
  rec.remember('5', customer, code, { row, problems: [], missing: [] });
  return owned;
}

describe('CustomerMemos', () => {
  it('keeps the customer’s updatedAt and code, and each resource read once, in one string', () => {
    const memos = new CustomerMemos();
    remembered(memos);
    const m = memos.peek('5')!;
    expect(m.inputs.split('\u0000')).toEqual([
      JSON.stringify(customer.attributes.updatedAt),
      'null',
      '',
      'customergroups',
      '2',
      digestOf(group),
      'customerusers',
      '9',
      digestOf(contact),
    ]);
    expect(Object.keys(m).sort()).toEqual(['hash', 'inputs', 'problems', 'row']);
    expect(m.row).toBe(row);
    // Once its snapshot is planned (or found staged), its row is let go.
    memos.settled('5', 'other');
    expect(memos.peek('5')?.row).toBe(row);
    memos.settled('5', 'h1');
    expect(memos.peek('5')?.row).toBeUndefined();
  });

  it('recalls the mapping while its inputs hold; anything newer maps again', () => {
    const memos = new CustomerMemos();
    const owned = remembered(memos, 'X1');
    const page = (...extra: JsonApiResource[]) =>
      lookupIn(new Map(extra.map((r) => [`${r.type}:${r.id}`, r])), new Map([['customergroups:2', group]]));
    // Before it is planned: the row; once it is the latest: only the hash.
    expect(memos.recall('5', customer, 'X1', owned, undefined)?.row).toBe(row);
    memos.settled('5', 'h1');
    expect(memos.recall('5', customer, 'X1', owned, 'h1')).toEqual({
      row: null,
      hash: 'h1',
      problems: [],
      missing: [],
    });
    // An equal copy of the contact, its keys in another order: the same.
    const copy = res('customerusers', '9', { firstName: 'Ann', enabled: true, email: 'a@example.com' });
    expect(memos.recall('5', customer, 'X1', page(copy), 'h1')?.hash).toBe('h1');
    // A changed contact, a newer customer, another code: mapped again.
    const changed = res('customerusers', '9', { ...contact.attributes, email: 'b@example.com' });
    expect(memos.recall('5', customer, 'X1', page(changed), 'h1')).toBeUndefined();
    const newer = res('customers', '5', { ...customer.attributes, updatedAt: '2026-01-02T00:00:00Z' });
    expect(memos.recall('5', newer, 'X1', owned, 'h1')).toBeUndefined();
    expect(memos.recall('5', customer, null, owned, 'h1')).toBeUndefined();
    // Another latest hash and the row let go: mapped again rather than staged without a snapshot.
    expect(memos.recall('5', customer, 'X1', owned, 'h0')).toBeUndefined();
  });

  it('does not keep a mapping that lacked a resource', () => {
    const memos = new CustomerMemos();
    const rec = memos.recorder(lookupIn(), lookupIn());
    rec.remember('5', customer, null, { row, problems: [], missing: ['customergroups:2'] });
    expect(memos.size).toBe(0);
  });
});

/**
 * Bytes a memo holds of its own: its strings and slots, not the run cache's objects it points to
 * (the cache keeps those anyway). A rough count, V8's real sizes differ; what matters is that a
 * customer, contact or row kept again would multiply it.
 */
function ownBytes(m: Readonly<CustomerMemo>, owned: ResourceLookup): number {
  const seen = new Set<unknown>();
  const walk = (v: unknown): number => {
    if (typeof v === 'string') return 16 + v.length;
    if (v === null || typeof v !== 'object' || seen.has(v)) return 8;
    seen.add(v);
    const r = v as JsonApiResource;
    if (typeof r.type === 'string' && typeof r.id === 'string' && owned(r.type, r.id) === v) return 8;
    return 16 + Object.values(v).reduce((n: number, x) => n + 8 + walk(x), 0);
  };
  return walk(m);
}

const backends = pushBackends('customer-memo.test.ts');
let env: PushEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe.each(backends.slice(0, 1))('what a run keeps per customer ($name)', (backend) => {
  it('a few hundred bytes each, no customer, contact or row; each prepared once', async () => {
    env = await pushEnv(backend, { sandbox: { seed: { orders: 600, customers: 150, seed: 21 } } });
    const cache = new ResourceCache(env.oro, silent);
    const customers = new CustomerSource(env.oro, cache, silent, 40);
    const s: OrderRunState = {
      config: env.config,
      store: env.store,
      cache,
      customers,
      codes: new Map(),
      latestHash: new Map(),
      memos: new CustomerMemos(),
    };

    let planned = 0;
    for await (const page of env.oro.list('orders', { include: ORDER_INCLUDE, pageSize: 50 })) {
      const plan = await planOrders(env.oro.resolveOrders(page), page.included, s);
      planned += plan.stage.length;
    }
    expect(planned).toBeGreaterThan(300);
    const ids = [...s.latestHash.keys()].map(String);
    expect(ids.length).toBeGreaterThan(100);
    expect(s.memos.size).toBe(ids.length);
    expect(customers.kept).toBe(40);
    const owned = cache.lookup();
    const sizes = ids.map((id) => ownBytes(s.memos.peek(id)!, owned));

    for (const id of ids) expect(s.memos.peek(id)?.row, `customer ${id}'s row`).toBeUndefined();
    // Measured 361 on average (384 at most) by this count since the memo is one string; 580 when
    // it was an array of resources and digests; a kept contact or row alone is more than that.
    expect(Math.max(...sizes)).toBeLessThan(450);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeLessThan(420);

    // Each customer's users and addresses were read once for the whole run: on its first page.
    const reads = apiRequests(env.sandbox).filter((q) => q.path.endsWith('/customerusers'));
    const pages = Math.ceil(600 / 50);
    expect(reads.length).toBeLessThanOrEqual(pages);
  });
});
