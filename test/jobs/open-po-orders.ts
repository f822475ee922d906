/**
 * The 2,000-order push-orders scenario shared by push-orders.test.ts and
 * push-orders-concurrency.test.ts: criteria "open with a PO number", and its exactly-once check.
 */
import { expect } from 'vitest';
import type { SandboxResource } from '../../tools/sandbox/types.js';
import { ordersWithoutEarlierCustomer, sameMoney, type PushEnv } from './push-env.js';

export const OPEN_WITH_PO = { internalStatus: ['open'], poNumber: { exists: true } };

export const rel = (r: SandboxResource, name: string): string | null => {
  const v = r.relationships[name];
  return v && !Array.isArray(v) ? v.id : null;
};

export const qualifies = (o: SandboxResource): boolean =>
  rel(o, 'internalStatus') === 'open' &&
  o.attributes.poNumber !== null &&
  o.attributes.poNumber !== undefined;

/** Every qualifying order staged once, with all its lines and its exact total, customers first. */
export async function expectExactlyOnce(env: PushEnv): Promise<void> {
  const expected = env.sandbox.all('orders').filter(qualifies);
  const staged = await env.staged();
  const byId = new Map(staged.map((s) => [s.oroOrderId, s]));
  expect(staged.length).toBe(byId.size); // none twice (also the UNIQUE key)
  expect([...byId.keys()].sort((a, b) => a - b)).toEqual(expected.map((o) => Number(o.id)));
  for (const o of expected) {
    const s = byId.get(Number(o.id));
    expect(s?.lines, `lines of order ${o.id}`).toBe((o.relationships.lineItems as unknown[]).length);
    expect(sameMoney(s?.total, o.attributes.totalValue), `total of order ${o.id}`).toBe(true);
  }
  expect(await ordersWithoutEarlierCustomer(env)).toEqual([]);
}
