/**
 * Issue 16 point 6 and issue 21: customer changes that do not move `customers.updatedAt` (a
 * billing address edited, oroinc/customer-portal src/Oro/Bundle/CustomerBundle/Entity/Customer.php
 * @6.1.0 preUpdate) reach sagesync_customer through the re-snapshot sweep
 * (`customers.sweepHours`), and an idle push-customers reads one page of customers and nothing
 * else: the overlap window's customers processed by the last run are left out when they are
 * exactly those (src/oro/seen-window.ts), and processed again when one appears late.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { billingAddressOf, pushBackends, pushEnv, type PushEnv } from './push-env.js';

const backends = pushBackends('push-customers-sweep.test.ts');
const HOUR = 3_600_000;

const apiCalls = (env: PushEnv, from: number): string[] =>
  env.sandbox.requests
    .slice(from)
    .filter((q) => q.path !== '/oauth2-token')
    .map((q) => q.path.replace(/^.*\/api\//, ''));

describe.each(backends)('push-customers: sweep and overlap window on $name', (backend) => {
  let env: PushEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('an idle run reads one page of customers; a late commit in the window is still staged', async () => {
    // The overlap window is an hour; the customers changed 20 minutes ago (a record changed in
    // the last 5 minutes before a read is always read again: its second may not be over).
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 0, customers: 0 } },
      config: { oro: { overlapSeconds: 3600 } } as never,
    });
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    for (let i = 0; i < 12; i++) env.sandbox.addCustomer({ name: `Window ${i}`, updatedAt: ago(1200 - i) });
    const first = await env.customers();
    expect(first.outcome, first.message).toBe('ok');
    expect(await env.customerRows()).toHaveLength(12);

    let from = env.sandbox.requests.length;
    const idle = await env.customers();
    expect(idle.outcome, idle.message).toBe('ok');
    const calls = apiCalls(env, from);
    expect(calls, calls.join('\n')).toEqual(['customers']);

    // A customer committed late: its updatedAt is older than the cursor, inside the window.
    const late = env.sandbox.addCustomer({ name: 'Late commit', updatedAt: ago(1500) });
    from = env.sandbox.requests.length;
    expect((await env.customers()).outcome).toBe('ok');
    const rows = await env.customerRows();
    expect(rows.map((r) => String(r['oro_customer_id']))).toContain(late);
    expect(rows).toHaveLength(13);
    expect(apiCalls(env, from)).toContain('customeraddresses');

    from = env.sandbox.requests.length;
    expect((await env.customers()).outcome).toBe('ok');
    expect(apiCalls(env, from)).toEqual(['customers']);
  });

  it('an address change reaches sagesync_customer within the sweep, in slices', async () => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 0, customers: 0 } },
      config: { customers: { sweepHours: 1 }, oro: { pageSize: 10 } } as never,
    });
    const ids: string[] = [];
    for (let i = 0; i < 25; i++)
      ids.push(env.sandbox.addCustomer({ name: `Sweep ${i}`, updatedAt: '2026-01-05T10:00:00Z' }));
    const t0 = Date.now();
    let t = t0;
    const clock = () => new Date(t);
    expect((await env.customers({ clock })).outcome).toBe('ok');
    expect(await env.customerRows()).toHaveLength(25);

    const target = ids[22] as string;
    env.sandbox.updateResource('customeraddresses', billingAddressOf(env, target), {
      attributes: { street: 'Neue Straße 7' },
    });
    expect(env.sandbox.customer(target)!.attributes['updatedAt']).toBe('2026-01-05T10:00:00Z');

    // Before the sweep is due: the change is not seen (only the sweep can see it).
    t = t0 + 0.5 * HOUR;
    expect((await env.customers({ clock })).outcome).toBe('ok');
    expect(await env.customerRows()).toHaveLength(25);

    // Due. Each page of the pass takes this clock 11 s on, so a run's slice (10 s) is one page.
    const base = t0 + 1.1 * HOUR;
    const passPages = () =>
      env!.sandbox.requests.filter(
        (q) => q.path.endsWith('/customers') && q.query.includes('sort=id') && !q.query.includes('updatedAt'),
      ).length;
    const slow = { clock: () => new Date(base + 11_000 * passPages()) };
    const position = async () =>
      JSON.parse((await env!.store.cursors()).find((c) => c.job === 'push-customers:sweep')!.cursor!);
    expect((await env.customers(slow)).outcome).toBe('ok');
    expect(passPages()).toBe(1);
    expect(await position()).toMatchObject({ after: ids[9] });
    expect((await env.customers(slow)).outcome).toBe('ok');
    expect(await position()).toMatchObject({ after: ids[19] });
    expect(await env.customerRows()).toHaveLength(25);
    expect((await env.customers(slow)).outcome).toBe('ok');
    expect(await position()).toMatchObject({ done: true });
    expect(passPages()).toBe(3);

    const rows = await env.customerRows();
    expect(rows).toHaveLength(26);
    const last = rows[rows.length - 1]!;
    expect(String(last['oro_customer_id'])).toBe(target);
    expect(last['bill_street']).toBe('Neue Straße 7');
    expect(last['reason']).toBe('change');

    // The pass is done: the next run reads no customer by id until the next period.
    const from = env.sandbox.requests.length;
    expect((await env.customers(slow)).outcome).toBe('ok');
    expect(new Set(apiCalls(env, from))).toEqual(new Set(['customers'])); // the window's pages only
    expect(passPages()).toBe(3);
  });
});
