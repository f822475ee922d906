// @module-tag hostile
/**
 * Issue 18, points 4-7: one bad server must never hang or fool the sync. The hostile proxy in
 * front of the sandbox sends slow bytes, endless `links.next`, 200s that are not JSON:API and
 * oversized pages; each must end as "Oro unavailable" (exit 69) naming what came back, quickly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  maintenancePage,
  startHostileOro,
  type HostileOro,
  type HostileAnswer,
} from '../../tools/chaos/hostile-oro.js';
import { configSchema } from '../../src/config/schema.js';
import { ServiceUnavailableError, TimeBudgetSpentError } from '../../src/errors.js';
import { runJobs } from '../../src/jobs/runner.js';
import { createOroClient } from '../../src/oro/client.js';
import type { OroClient } from '../../src/oro/types.js';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { expectRejection } from '../oro/helpers.js';
import { pushBackends, pushEnv, silent, type PushEnv } from '../jobs/push-env.js';

const CLIENT = { clientId: 'sagesync-test', clientSecret: 'sandbox-secret-1' };
let sb: Sandbox | undefined;
let proxy: HostileOro | undefined;
let client: OroClient | undefined;
let env: PushEnv | undefined;
afterEach(async () => {
  await client?.close();
  await env?.close();
  await proxy?.close();
  await sb?.close();
  sb = proxy = client = env = undefined;
});

async function hostileClient(oro: Record<string, unknown> = {}): Promise<OroClient> {
  sb = await startSandbox({ clients: [CLIENT], seed: { orders: 12, customers: 3 } });
  proxy = await startHostileOro(sb.url);
  const config = configSchema.parse({ oro: { url: proxy.url, ...CLIENT, maxRetries: 1, ...oro } });
  client = createOroClient(config, { sleep: async () => undefined });
  return client;
}

const ordersList = (r: { path: string }) => r.path === '/admin/api/orders';
const json = (body: unknown): HostileAnswer => ({
  status: 200,
  headers: { 'Content-Type': 'application/vnd.api+json' },
  body: JSON.stringify(body),
});
const order = (id: number) => ({ type: 'orders', id: String(id), attributes: {}, relationships: {} });

async function readAll(c: OroClient): Promise<number> {
  let n = 0;
  for await (const page of c.list('orders', { pageSize: 5 })) n += page.data.length;
  return n;
}

describe('hostile Oro transport (issue 18)', () => {
  it('4: a server sending one byte every 50 ms meets a total deadline, not an idle one', async () => {
    const c = await hostileClient({ timeoutMs: 500, maxRetries: 0 });
    proxy!.setRules([{ dribbleMs: 50 }]);
    const t0 = Date.now();
    const err = await expectRejection(c.get('orders', '1'));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('no complete answer within oro.timeoutMs (500 ms)');
    // Loose on purpose (a loaded host is slow): the whole answer dribbled would take over a minute.
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('5: a links.next pointing back to a page already read stops the read', async () => {
    const c = await hostileClient();
    proxy!.setRules([
      {
        match: ordersList,
        answer: () => json({ data: [order(1)], links: { next: '/admin/api/orders?page[number]=2' } }),
      },
    ]);
    const err = await expectRejection(readAll(c));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('does not move forward');
    expect(proxy!.count).toBeLessThan(10);
  });

  it('5: a new links.next every time with the same records stops the read', async () => {
    const c = await hostileClient();
    let n = 1;
    proxy!.setRules([
      {
        match: ordersList,
        answer: () => json({ data: [order(1)], links: { next: `/admin/api/orders?page[number]=${++n}` } }),
      },
    ]);
    await expect(readAll(c)).rejects.toThrow(/does not move forward/);
    expect(proxy!.count).toBeLessThan(10);
  });

  it('5: fresh records without end stop at oro.maxPagesPerRead', async () => {
    const c = await hostileClient({ maxPagesPerRead: 25 });
    let n = 1;
    proxy!.setRules([
      {
        match: ordersList,
        answer: () => json({ data: [order(++n)], links: { next: `/admin/api/orders?page[number]=${n}` } }),
      },
    ]);
    await expect(readAll(c)).rejects.toThrow(/more than 25 pages \(oro\.maxPagesPerRead\)/);
    expect(proxy!.count).toBeLessThan(30);
  });

  it('5: a full page that ignores the keyset filter stops the incremental read', async () => {
    const c = await hostileClient({ pageSize: 5 });
    const page = [1, 2, 3, 4, 5].map((i) => ({
      ...order(i),
      attributes: { updatedAt: '2025-01-06T08:00:00Z' },
    }));
    proxy!.setRules([{ match: ordersList, answer: () => json({ data: page }) }]);
    const read = async () => {
      for await (const p of c.readIncremental('orders', { since: null, overlapSeconds: 0 })) void p;
    };
    await expect(read()).rejects.toThrow(/does not move forward/);
    expect(proxy!.count).toBeLessThan(10);
  });

  it('5: the time budget applies inside a read: no request starts once it is spent', async () => {
    const c = await hostileClient();
    let n = 1;
    proxy!.setRules([
      {
        match: ordersList,
        delayMs: 20,
        answer: () => json({ data: [order(++n)], links: { next: `/admin/api/orders?page[number]=${n}` } }),
      },
    ]);
    c.setDeadline?.({ at: Date.now() + 400, now: Date.now });
    const t0 = Date.now();
    await expect(readAll(c)).rejects.toBeInstanceOf(TimeBudgetSpentError);
    // Loose on purpose (a loaded host is slow); a read past the budget never ends on its own.
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  const backend = pushBackends('hostile-transport.test.ts')[0]!;
  it('5: run-all stops a job at its time budget as "stopped early", not failed', async () => {
    let upstream = '';
    proxy = await startHostileOro(() => upstream);
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 40, customers: 4 } },
      config: { oro: { url: proxy.url, pageSize: 5 } as never },
    });
    upstream = env.sandbox.url;
    proxy.setRules([{ delayMs: 150 }]);
    const e = env;
    const t0 = Date.now();
    const summary = await runJobs(
      ['push-orders'],
      {
        config: e.config,
        logger: silent,
        clock: () => new Date(),
        openStore: async () => e.store,
        openOro: async () => e.oro,
      },
      { command: 'run-all', dryRun: false, timeBudgetSeconds: 1 },
    );
    const r = summary.jobs[0]!;
    expect(r.outcome).toBe('ok');
    expect(r.message).toContain('time budget');
    // What shows the budget at work is the count below; the bound, loose on purpose (a loaded host
    // is slow), only catches a stop that waited for something else.
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect((await env.staged()).length).toBeLessThan(40);
  });

  const odd: [string, HostileAnswer, RegExp][] = [
    ['an HTML maintenance page', maintenancePage(), /200 but an HTML or XML page .*Down for maintenance/],
    ['an empty body', { status: 200, body: '' }, /200 but an empty body/],
    [
      'cut-off JSON',
      { status: 200, body: '{"data":[{"type":"orders","id":"1"' },
      /malformed or cut-off JSON/,
    ],
    ['data as an object', json({ data: order(1) }), /"data" as a single object instead of a list/],
    ['data as null', json({ data: null }), /"data" as null instead of a list/],
  ];
  it.each(odd)('6: a 200 with %s is exit 69 naming it', async (_what, answer, message) => {
    let upstream = '';
    proxy = await startHostileOro(() => upstream);
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 5, customers: 2 } },
      config: { oro: { url: proxy.url } as never },
    });
    upstream = env.sandbox.url;
    proxy.setRules([{ match: ordersList, answer: () => answer }]);
    const r = await env.orders();
    expect(r.outcome).toBe('failed');
    expect(r.error?.kind).toBe('unavailable');
    expect(r.error?.message).toMatch(message);
    expect(await env.store.getCursor('push-orders')).toBeNull();
  });

  it('7: an answer over oro.maxResponseBytes is refused, naming the cap', async () => {
    const c = await hostileClient({ maxResponseBytes: 1024 * 1024 });
    const big = 'x'.repeat(3 * 1024 * 1024);
    proxy!.setRules([{ match: ordersList, answer: () => json({ data: [], meta: { big } }) }]);
    const err = await expectRejection(readAll(c));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('larger than oro.maxResponseBytes (1048576 bytes)');
    // Not retried: the same answer would come again.
    expect(proxy!.count).toBe(2); // token + one API request
  });
});
