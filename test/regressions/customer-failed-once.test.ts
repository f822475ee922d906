/**
 * A customer that cannot be staged was reported, and quarantined, once for every read that met
 * it in a run: the quarantine retry by id, the overlap re-read and the re-snapshot sweep. Each
 * quarantine() adds one to its `attempts`, so its backoff jumped up to three steps in one run, and
 * the report listed it up to three times. push-orders and push streams report a record once per
 * run (the push loop's failOnce); push-customers must too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';

const backend = pushBackends('customer-failed-once.test.ts')[0]!;

describe('a customer that cannot be staged, met three times in one run', () => {
  let env: PushEnv;
  beforeAll(async () => {
    env = await pushEnv(backend, { sandbox: { seed: { orders: 0, customers: 3, seed: 4 } } });
  }, 180_000);
  afterAll(async () => env?.close(), 60_000);

  it('is reported and quarantined once', async () => {
    const id = env.sandbox.addCustomer({ name: 'N'.repeat(300) });
    const first = await env.customers();
    expect(first.failures.map((f) => f.id)).toEqual([id]);
    // A day later: its quarantine entry is due (retry by id), it is still in the overlap window
    // of the stored cursor, and the sweep's first pass is due (customers.sweepHours 24).
    const later = new Date(Date.now() + 25 * 3_600_000);
    const r = await env.customers({ clock: () => later });
    expect(r.failures.map((f) => f.id)).toEqual([id]);
    expect(r.counts.failed).toBe(1);
    const q = await env.quarantine();
    expect(q.map((x) => [x.entity_id, Number(x.attempts)])).toEqual([[id, 2]]);
  });
});
