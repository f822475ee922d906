/**
 * Regression: push-orders reported `written: 0` for orders it had staged, because it looked up
 * the store's per-write result by the bare table name while the store reports the prefixed name.
 * With a non-default prefix the counts must still match the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';

const embedded = pushBackends('push-written-count.test.ts').filter((b) => b.name === 'embedded');

describe.each(embedded)('push counts with a custom table prefix ($name)', (backend) => {
  let env: PushEnv;
  beforeAll(async () => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 12, customers: 4, linesPerOrder: [1, 2], seed: 2 } },
      config: { staging: { tablePrefix: 'x3in_' } },
    });
  }, 180_000);
  afterAll(async () => env?.close(), 60_000);

  it('counts what it staged', async () => {
    const o = await env.orders();
    expect(o.counts.written).toBe(12);
    expect((await env.staged()).length).toBe(12);
    const c = await env.customers();
    expect(c.counts.written + c.counts.skipped).toBe(4);
  });
});
