/**
 * push-orders with the sparse listing and concurrent full fetches (issue 21): every qualifying
 * order staged exactly once with `oro.concurrency` 1 and 8, through equal timestamps across
 * listing pages (a `max_results` of 60 splits them), orders modified while the job pages, and
 * late commits behind the cursor; then a fault storm (5xx, 429, resets, expiring and revoked
 * tokens) under concurrency 8.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobReport } from '../../src/jobs/types.js';
import { expectExactlyOnce, OPEN_WITH_PO, qualifies, rel } from './open-po-orders.js';
import { ordersUntilQuiet, pushBackends, pushEnv, type PushEnv } from './push-env.js';

const backend = pushBackends('push-orders-concurrency.test.ts').at(-1)!;
const shifted = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

describe.each([1, 8])(`push-orders with oro.concurrency %i on ${backend.name}`, (concurrency) => {
  let env: PushEnv;
  beforeAll(async () => {
    env = await pushEnv(backend, {
      sandbox: {
        seed: { orders: 2000, customers: 120, linesPerOrder: [1, 5], sameUpdatedAt: 7, seed: 8 },
        maxResults: { orders: 60 },
      },
      config: {
        oro: { pageSize: 50, concurrency } as never,
        orders: { batchSize: 20, criteria: OPEN_WITH_PO },
      },
    });
  }, 180_000);
  afterAll(async () => env?.close(), 60_000);

  it(
    'stages every qualifying order once through changes while paging and late commits',
    { timeout: 240_000 },
    async () => {
      let mutated = false;
      const progress = (c: { read: number }) => {
        if (mutated || c.read < 700) return;
        mutated = true;
        const all = env.sandbox.all('orders');
        for (let i = 0; i < 15; i++) env.sandbox.addOrder({ attributes: { poNumber: `NEW-${i}` } });
        // Orders already read and orders not read yet change (their updatedAt moves to now).
        for (const o of [...all.slice(0, 30), ...all.slice(-30)])
          env.sandbox.updateOrder(o.id, { attributes: { customerNotes: 'edited' } });
        const late = all.find((o) => rel(o, 'internalStatus') === 'open' && o.attributes.poNumber === null);
        if (late) env.sandbox.updateOrder(late.id, { attributes: { poNumber: 'LATE-PO' } });
      };
      const first = await ordersUntilQuiet(env, 6, { progress });
      expect(mutated).toBe(true);
      expect(first.at(-1)?.counts.written).toBe(0);
      await expectExactlyOnce(env);

      // Late commits: orders that become visible after the run with an updatedAt behind the
      // cursor (inside the overlap), one of them equal to it.
      const cursor = (await env.store.getCursor('push-orders'))!;
      const late = [-250, -120, -1, 0].map((s) =>
        env.sandbox.addOrder({ updatedAt: shifted(cursor, s), attributes: { poNumber: `LATE${s}` } }),
      );
      const lateRuns = await ordersUntilQuiet(env, 4);
      expect(lateRuns[0]?.counts.written).toBe(late.filter((id) => qualifies(env.sandbox.order(id)!)).length);
      await expectExactlyOnce(env);
    },
  );
});

describe(`push-orders in a fault storm with oro.concurrency 8 on ${backend.name}`, () => {
  let env: PushEnv;
  beforeAll(async () => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 700, customers: 60, linesPerOrder: [1, 4], sameUpdatedAt: 5, seed: 12 } },
      config: {
        oro: { pageSize: 25, concurrency: 8, maxRetries: 6 } as never,
        orders: { batchSize: 10, criteria: OPEN_WITH_PO },
      },
    });
  }, 180_000);
  afterAll(async () => env?.close(), 60_000);

  it(
    'stages every qualifying order exactly once however many requests fail',
    { timeout: 240_000 },
    async () => {
      env.sandbox.setFaults({
        errorRate: { 500: 0.06, 502: 0.03, 503: 0.03, 429: 0.04 },
        resetRate: 0.03,
        retryAfterSeconds: 1,
        tokenLifetimeSeconds: 2,
      });
      let revoked = false;
      const progress = (c: { read: number }) => {
        if (revoked || c.read < 200) return;
        revoked = true;
        env.sandbox.revokeTokens(); // every worker's next request is a 401: one renewal for all
        for (const o of env.sandbox.all('orders').slice(0, 20))
          env.sandbox.updateOrder(o.id, { attributes: { customerNotes: 'storm' } });
      };
      const reports: JobReport[] = [];
      for (let i = 0; i < 15; i++) {
        const r = await env.orders({ progress });
        reports.push(r);
        if (r.outcome !== 'failed' && r.counts.written === 0) break;
      }
      expect(revoked).toBe(true);
      env.sandbox.setFaults({});
      const settled = await env.orders();
      expect(settled.outcome).not.toBe('failed');
      expect(settled.counts.written).toBe(0);
      await expectExactlyOnce(env);
      expect(await env.quarantine()).toEqual([]);
    },
  );
});
