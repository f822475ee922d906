/**
 * Regression (issue 17, defect 1, PostgreSQL side): a job whose lock session dies while it talks
 * to Oro must not apply anything more (another host may hold the lock by now and apply the same
 * rows: contract guarantee 3). The job stops before its next write, with exit 69.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeForSummary } from '../../src/cli/exit.js';
import { runJobs } from '../../src/jobs/runner.js';
import { advisoryKey } from '../../src/staging/names.js';
import { LockLostError } from '../../src/staging/lock-lost.js';
import { CREDIT_LIMIT } from '../../src/staging/tables.js';
import { pullBackends, pullEnv, sharedStore, type SharedStore } from '../jobs/pull-env.js';

const backend = pullBackends('lock-lost.test.ts').find((b) => b.name === 'postgres');
if (!backend)
  console.warn('lock-lost.test.ts: the PostgreSQL case is skipped (SAGESYNC_TEST_PG_URL is not set)');

describe.skipIf(!backend)('a PostgreSQL lock session lost during a job', () => {
  let shared: SharedStore;
  beforeAll(async () => {
    shared = await sharedStore(backend!);
  });
  afterAll(async () => shared?.close());

  const terminateLock = async (job: string): Promise<void> => {
    const [k1, k2] = advisoryKey({ schema: shared.schema, prefix: 'sagesync_' }, job);
    await shared.store.query(
      // With a timeout (PostgreSQL 14+) it returns once the backend is gone, not when signalled.
      `SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND granted
        AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2`,
      [k1 >>> 0, k2 >>> 0],
    );
  };

  it('pull-credit applies nothing to Oro after the lock is gone, and exits 69', async () => {
    const env = await pullEnv(backend!, {}, shared);
    try {
      const a = env.sandbox.addCustomer({ name: 'Alpha' });
      const b = env.sandbox.addCustomer({ name: 'Beta' });
      await env.insert('credit_limit', {
        erp_customer_code: 'CA',
        oro_customer_id: Number(a),
        credit_limit: '7',
      });
      await env.insert('credit_limit', {
        erp_customer_code: 'CB',
        oro_customer_id: Number(b),
        credit_limit: '8',
      });
      const limit = (id: string) => env.sandbox.customer(id)?.attributes['creditLimit'] ?? null;
      const before = [limit(a), limit(b)];
      const summary = await runJobs(
        ['pull-credit'],
        env.ctx({
          // The lock's session is killed while the job opens its Oro client.
          openOro: async () => {
            await terminateLock('pull-credit');
            return env.oro;
          },
        }),
        { command: 'test', dryRun: false },
      );
      expect(summary.jobs[0]).toMatchObject({ outcome: 'failed', error: { kind: 'unavailable' } });
      expect(summary.jobs[0]?.error?.message).toMatch(/lock of pull-credit was lost/);
      expect(exitCodeForSummary(summary)).toBe(69);
      expect([limit(a), limit(b)]).toEqual(before);
      expect(env.sandbox.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
      expect((await env.rows('credit_limit')).map((r) => r['status'])).toEqual(['NEW', 'NEW']);
    } finally {
      await env.close();
    }
  });

  it('the store refuses a write once the lock session is gone', async () => {
    const lock = await shared.store.tryLock('pull-tracking');
    expect(lock?.held()).toBe(true);
    await terminateLock('pull-tracking');
    await expect(
      shared.store.finishInbound(CREDIT_LIMIT, [{ stagingId: '1', status: 'DONE', message: null }]),
    ).rejects.toThrow(LockLostError);
    await lock?.release();
    // Released: the next job's lock opens a new session and writes work again.
    const again = await shared.store.tryLock('pull-tracking');
    expect(again?.held()).toBe(true);
    // A non-empty update (of no row): an empty one returns before the lock check, proving nothing.
    await expect(
      shared.store.finishInbound(CREDIT_LIMIT, [{ stagingId: '999999999', status: 'DONE', message: null }]),
    ).resolves.toBe(0);
    await again?.release();
  });
});
