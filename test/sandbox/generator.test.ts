/** The seeded data generator: deterministic, and carrying the tricky inputs of STYLE.md. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';

let a: Sandbox;
let b: Sandbox;
beforeAll(async () => {
  a = await startSandbox({ seed: false });
  b = await startSandbox({ seed: false });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('data generator', () => {
  it('gives the same data for the same seed and different data for another', () => {
    a.seed({ orders: 200, seed: 5 });
    b.seed({ orders: 200, seed: 5 });
    expect(a.all('orders')).toEqual(b.all('orders'));
    expect(a.all('orderlineitems')).toEqual(b.all('orderlineitems'));
    b.seed({ orders: 200, seed: 6 });
    expect(a.all('orderlineitems')).not.toEqual(b.all('orderlineitems'));
  });

  it('makes orders of 1–20 lines, shared timestamps, hierarchies, nulls, unicode and metacharacters', () => {
    a.seed({ orders: 300, seed: 2, sameUpdatedAt: 10, longStrings: true });
    const orders = a.all('orders');
    const lines = orders.map((o) => (o.relationships['lineItems'] as unknown[]).length);
    expect(Math.min(...lines)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lines)).toBeLessThanOrEqual(20);
    const stamps = new Map<unknown, number>();
    for (const o of orders)
      stamps.set(o.attributes['updatedAt'], (stamps.get(o.attributes['updatedAt']) ?? 0) + 1);
    expect(Math.max(...stamps.values())).toBeGreaterThanOrEqual(10);
    expect(a.all('customers').some((c) => c.relationships['parent'] !== null)).toBe(true);
    expect(orders.some((o) => o.relationships['customerUser'] === null)).toBe(true);
    expect(orders.some((o) => o.relationships['billingAddress'] === null)).toBe(true);
    const text = JSON.stringify([a.all('customers'), orders, a.all('orderlineitems')]);
    expect(text).toMatch(/\p{Extended_Pictographic}/u);
    expect(text).toContain("O'");
    expect(text).toContain('DROP TABLE');
    expect(orders.some((o) => String(o.attributes['customerNotes'] ?? '').length > 4000)).toBe(true);
    const addresses = a.all('customeraddresses');
    expect(addresses.some((x) => JSON.stringify(x.attributes['types']).includes('"default":true'))).toBe(
      true,
    );
  });

  it('lets a test add and modify orders and customers', () => {
    a.seed({ orders: 2, seed: 1 });
    const id = a.addOrder({ lines: 4, updatedAt: '2030-01-01T00:00:00Z' });
    expect(a.order(id)!.attributes['updatedAt']).toBe('2030-01-01T00:00:00Z');
    expect((a.order(id)!.relationships['lineItems'] as unknown[]).length).toBe(4);
    a.updateOrder(id, { attributes: { poNumber: 'X' }, updatedAt: '2031-02-03T04:05:06.789Z' });
    expect(a.order(id)!.attributes).toMatchObject({ poNumber: 'X', updatedAt: '2031-02-03T04:05:06Z' });
    const c = a.addCustomer({ name: 'Zed', parentId: '1' });
    expect(a.customer(c)!.relationships['parent']).toEqual({ type: 'customers', id: '1' });
    expect(a.customer('1')!.relationships['children']).toContainEqual({ type: 'customers', id: c });
  });
});
