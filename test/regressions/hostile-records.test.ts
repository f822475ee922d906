// @module-tag hostile
/**
 * Issue 18, points 1-3: one bad record must never stop order staging or lose orders. Each case
 * feeds exactly the hostile input (through the sandbox's own data, or the hostile proxy in front
 * of it) and checks that the record is quarantined, the others are staged and the cursor only
 * takes a date no later than now.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setAttribute, startHostileOro, type HostileOro } from '../../tools/chaos/hostile-oro.js';
import { pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';

const backend = pushBackends('hostile-records.test.ts')[0]!;
let env: PushEnv | undefined;
let proxy: HostileOro | undefined;
afterEach(async () => {
  await env?.close();
  await proxy?.close();
  env = proxy = undefined;
});

/** 20 orders, read 5 a page, through the hostile proxy. */
async function hostileEnv(): Promise<{ env: PushEnv; proxy: HostileOro }> {
  let upstream = '';
  const p = await startHostileOro(() => upstream);
  const e = await pushEnv(backend, {
    sandbox: { seed: { orders: 20, customers: 4, seed: 3 } },
    config: { oro: { url: p.url, pageSize: 5 } as never },
  });
  upstream = e.sandbox.url;
  return { env: e, proxy: p };
}

const quarantinedIds = async (e: PushEnv): Promise<string[]> =>
  (await e.quarantine()).filter((q) => q.resolved_at === null).map((q) => String(q.entity_id));

describe('hostile order records (issue 18)', () => {
  it('1: an order whose updatedAt is not a date is quarantined; the cursor never takes it', async () => {
    ({ env, proxy } = await hostileEnv());
    const bad = env.sandbox.all('orders')[12]!.id;
    proxy.setRules([
      {
        match: (r) => r.path === '/admin/api/orders',
        rewrite: setAttribute([bad], 'updatedAt', 'not a date'),
      },
    ]);
    const first = await env.orders();
    expect(first.outcome).toBe('records-failed');
    expect(first.failures.map((f) => f.id)).toEqual([bad]);
    expect(first.failures[0]?.reason).toContain('"not a date" is not a date');
    const cursor = await env.store.getCursor('push-orders');
    expect(Number.isNaN(Date.parse(cursor ?? ''))).toBe(false);
    expect(await quarantinedIds(env)).toEqual([bad]);
    expect((await env.staged()).length).toBeGreaterThan(0);
    expect((await env.staged()).length).toBe(19);
    // Later runs keep working: a new order is staged.
    const later = env.sandbox.addOrder();
    const second = await env.orders();
    expect(second.outcome).not.toBe('failed');
    expect((await env.staged()).map((s) => String(s.oroOrderId))).toContain(later);
  });

  it('2: an order dated 9999-12-31 is reported and does not move the cursor past now', async () => {
    env = await pushEnv(backend, { sandbox: { seed: { orders: 20, customers: 4, seed: 3 } } });
    const future = env.sandbox.addOrder({ updatedAt: '9999-12-31T23:59:59Z' });
    const before = Date.now();
    const first = await env.orders();
    expect(first.outcome).not.toBe('failed');
    expect(first.message).toContain(`${future} (9999-12-31T23:59:59Z)`);
    const cursor = Date.parse((await env.store.getCursor('push-orders')) ?? '');
    expect(cursor).toBeLessThanOrEqual(Date.now());
    expect(cursor).toBeGreaterThanOrEqual(before - 1000);
    // An order created after the run (Oro's clock = ours) is staged by the next one.
    const after = env.sandbox.addOrder({ updatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
    await env.orders();
    expect((await env.staged()).map((s) => String(s.oroOrderId))).toContain(after);
  });

  it.each(['1 OR 1=1', '99999999999999999999'])(
    '3: an order with id %j is quarantined and the other 19 are staged',
    async (odd) => {
      ({ env, proxy } = await hostileEnv());
      const victim = env.sandbox.all('orders')[7]!.id;
      proxy.setRules([
        {
          match: (r) => r.path === '/admin/api/orders',
          rewrite: (body) => {
            for (const o of (body as { data: { id: string }[] }).data) if (o.id === victim) o.id = odd;
            return body;
          },
        },
      ]);
      const r = await env.orders();
      expect(r.outcome).toBe('records-failed');
      expect(r.failures).toHaveLength(1);
      expect(r.failures[0]?.reason).toContain('is not a whole number');
      expect((await env.staged()).length).toBe(19);
      expect(await quarantinedIds(env)).toEqual([odd]);
      // Its retry never sends the odd id to Oro (a 400 for the whole id filter) and keeps it.
      await env.store.query(`UPDATE ${env.store.tableName('quarantine')} SET next_attempt_at = now()`);
      const again = await env.orders();
      expect(again.outcome).not.toBe('failed');
      expect(env.sandbox.requests.some((q) => decodeURIComponent(q.query).includes(odd))).toBe(false);
      expect(await quarantinedIds(env)).toEqual([odd]);
    },
  );

  it("3: an order whose customer's id is odd is quarantined, not a crash", async () => {
    ({ env, proxy } = await hostileEnv());
    const victim = env.sandbox.all('orders')[3]!;
    proxy.setRules([
      {
        match: (r) => r.path === '/admin/api/orders',
        rewrite: (body) => {
          for (const o of (
            body as { data: { id: string; relationships: Record<string, { data: unknown }> }[] }
          ).data)
            if (o.id === victim.id) o.relationships['customer'] = { data: { type: 'customers', id: 'x' } };
          return body;
        },
      },
    ]);
    const r = await env.orders();
    expect(r.outcome).toBe('records-failed');
    expect(r.failures.map((f) => f.id)).toEqual([victim.id]);
    expect((await env.staged()).length).toBe(19);
  });

  it('1: a customer whose updatedAt is not a date is quarantined by push-customers', async () => {
    ({ env, proxy } = await hostileEnv());
    const victim = env.sandbox.all('customers')[1]!.id;
    proxy.setRules([
      { match: (r) => r.path === '/admin/api/customers', rewrite: setAttribute([victim], 'updatedAt', 12) },
    ]);
    const r = await env.customers();
    expect(r.outcome).toBe('records-failed');
    expect(r.failures.map((f) => f.id)).toContain(victim);
    expect(Number.isNaN(Date.parse((await env.store.getCursor('push-customers')) ?? ''))).toBe(false);
  });
});
