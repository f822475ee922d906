// @module-tag hostile
/**
 * Issue 18, point 19: an order line with a negative quantity used to be staged silently. Fed
 * through the Oro sandbox: such an order is quarantined with a reason naming the line and the
 * quantity and the fix, unless `orders.allowNegativeQuantity` is true; a zero quantity is
 * quarantined whatever the key says (Oro's own validation is `GreaterThanZero`), and so is a
 * quantity that is not a number, on a line or on a product-kit component.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';

const backend = pushBackends('negative-quantity.test.ts')[0]!;

describe('order line quantities (issue 18, point 19)', () => {
  let env: PushEnv;
  const ids: Record<string, string> = {};
  const lineIds = (orderId: string): string[] =>
    (env.sandbox.order(orderId)?.relationships['lineItems'] as { id: string }[]).map((l) => l.id);
  const setLine = (orderId: string, index: number, quantity: unknown): void =>
    env.sandbox.updateResource('orderlineitems', lineIds(orderId)[index]!, {
      attributes: { quantity },
      updatedAt: '2026-01-01T00:00:00Z',
    });
  const reasons = (r: { failures: { id: string; reason: string }[] }): Record<string, string> =>
    Object.fromEntries(r.failures.map((f) => [f.id, f.reason]));
  const quantities = async (orderId: string): Promise<string[]> =>
    (await env.lines(Number(orderId))).map((l) => String(Number(l['quantity'])));

  beforeAll(async () => {
    env = await pushEnv(backend, {
      sandbox: { apiVersion: '6.1.0', seed: { orders: 0, customers: 2, seed: 19 } },
    });
    const add = (name: string, kitLines = 0): string =>
      (ids[name] = env.sandbox.addOrder({
        customerId: '1',
        lines: 3,
        kitLines,
        updatedAt: '2026-01-01T00:00:00Z',
      }));
    add('fine');
    setLine(add('negative'), 1, -3);
    setLine(add('negativeText'), 0, '-2.5');
    setLine(add('zero'), 2, 0);
    setLine(add('text'), 0, 'three');
    const kit = add('kitNegative', 1);
    const component = env.sandbox
      .all('orderproductkititemlineitems')
      .find((k) => (k.relationships['lineItem'] as { id: string }).id === lineIds(kit)[0])!;
    ids.component = component.id;
    env.sandbox.updateResource('orderproductkititemlineitems', component.id, {
      attributes: { quantity: -1 },
      updatedAt: '2026-01-01T00:00:00Z',
    });
    add('after');
  }, 120_000);
  afterAll(async () => env?.close(), 60_000);

  it('quarantines negative, zero and non-numeric quantities by default, naming line and quantity', async () => {
    const r = await env.orders();
    expect(r.outcome).toBe('records-failed');
    const why = reasons(r);
    const line = (name: string, i: number) => `line ${i + 1} (Oro line item ${lineIds(ids[name]!)[i]})`;
    expect(why[ids.negative!]).toBe(
      `${line('negative', 1)}: quantity -3 is negative; correct the line in Oro (the order is retried), or set orders.allowNegativeQuantity: true if X3 is to receive negative lines`,
    );
    expect(why[ids.negativeText!]).toContain(`${line('negativeText', 0)}: quantity -2.5 is negative`);
    expect(why[ids.zero!]).toContain(`${line('zero', 2)}: quantity 0 is zero`);
    expect(why[ids.text!]).toContain(`${line('text', 0)}: quantity (Oro quantity) is not a decimal number`);
    expect(why[ids.kitNegative!]).toMatch(
      new RegExp(
        `^${line('kitNegative', 0).replace(/[()]/g, '\\$&')}, kit component ${ids.component} \\(SKU-\\d+\\): quantity -1 is negative`,
      ),
    );
    expect(Object.keys(why).sort()).toEqual(
      [ids.negative, ids.negativeText, ids.zero, ids.text, ids.kitNegative].sort(),
    );
    const quarantined = (await env.quarantine()).map((q) => String(q.entity_id));
    expect(quarantined.sort()).toEqual(Object.keys(why).sort());
    // The others are staged: one bad line stops only its own order.
    expect((await env.staged()).map((s) => String(s.oroOrderId))).toEqual([ids.fine, ids.after]);
  });

  it('with orders.allowNegativeQuantity the negative lines are staged as Oro sent them; zero never', async () => {
    await env.store.query(`UPDATE ${env.store.tableName('quarantine')} SET next_attempt_at = now()`);
    const config = { ...env.config, orders: { ...env.config.orders, allowNegativeQuantity: true } };
    const r = await env.orders({ config });
    expect(Object.keys(reasons(r)).sort()).toEqual([ids.zero, ids.text].sort());
    expect(await quantities(ids.negative!)).toContain('-3');
    expect(await quantities(ids.negativeText!)).toContain('-2.5');
    const kit = (await env.lines(Number(ids.kitNegative)))[0]!['kit_items'];
    const parsed = (typeof kit === 'string' ? JSON.parse(kit) : kit) as { quantity: unknown }[];
    expect(parsed.map((c) => c.quantity)).toContain(-1);
    const open = (await env.quarantine()).filter((q) => q.resolved_at === null);
    expect(open.map((q) => String(q.entity_id)).sort()).toEqual([ids.zero, ids.text].sort());
  });
});
