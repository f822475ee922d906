/**
 * Regressions (issue 17, defects 4 and 6) in the SQL Server driver, through a fake mssql module:
 * - the rights check read the FIRST result set of its batch (mssql `recordset` is
 *   `recordsets[0]`), an empty `SELECT TOP 0` probe, so it always said "all granted";
 * - deadlocks (1205), lock timeouts (1222) and request timeouts were internal errors (exit 70),
 *   never retried; a lost connection must be exit 69.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../src/cli/exit.js';
import { ServiceUnavailableError, StopSignalError } from '../../src/errors.js';
import { checkRights, rightsAttempts } from '../../src/ops/rights-check.js';
import { RetryBudgetBox, retryDelayMs } from '../../src/staging/retry.js';
import { CREDIT_LIMIT } from '../../src/staging/tables.js';
import type { JobLock } from '../../src/staging/store.js';
import { appLockServer, sqlError, timeoutError, type FakeCall } from '../staging/helpers/fake-mssql.js';
import { fakeStore } from '../staging/helpers/fake-store.js';

const cursorWrite = { job: 'push-orders', writes: [], cursor: 'c9' };
const isCursorUpdate = (c: FakeCall) => c.text.startsWith('UPDATE') && c.text.includes('[cursor_value]');

describe('the rights check on SQL Server', () => {
  it('reads the result set that carries the missing rights, not the first (empty) one', async () => {
    const { store } = fakeStore((call) => {
      const probes = rightsAttempts(store).filter((a) => a.mssql.startsWith('SELECT TOP 0'));
      expect(call.text).toContain('SELECT @missing AS missing;');
      return {
        recordsets: [...probes.map(() => []), [{ missing: 'INSERT on dbo.sagesync_order|' }]],
      };
    });
    const result = await checkRights(store);
    expect(result).toMatchObject({ ok: false, missing: ['INSERT on dbo.sagesync_order'] });
  });
});

describe('SQL Server errors: what is retried, what is exit 69', () => {
  for (const [what, fail] of [
    [
      'a deadlock (1205)',
      () => sqlError(1205, 'Transaction (Process ID 61) was deadlocked … chosen as the deadlock victim.'),
    ],
    ['a lock timeout (1222)', () => sqlError(1222, 'Lock request time out period exceeded.')],
    ['a request timeout', () => timeoutError()],
  ] as const) {
    it(`retries the whole transaction after ${what}`, async () => {
      let failures = 1;
      const { store, pool, sleeps } = fakeStore((call) => {
        if (isCursorUpdate(call) && failures-- > 0) throw fail();
        return {};
      });
      await store.stage(cursorWrite);
      expect(pool.calls.filter(isCursorUpdate)).toHaveLength(2);
      expect(pool.calls.filter(isCursorUpdate).every((c) => c.inTransaction)).toBe(true);
      expect(sleeps).toHaveLength(1);
    });
  }

  it('gives up after 3 retries with exit 69 and a message that says what happens next', async () => {
    const { store, sleeps } = fakeStore((call) => {
      if (isCursorUpdate(call)) throw sqlError(1205, 'deadlocked');
      return {};
    });
    const err = await store.stage(cursorWrite).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toMatch(
      /^The SQL Server staging database at sql01:1433\/X3 refused the work 4 times in a row: a deadlock \(error 1205: deadlocked\).*next run retries it/,
    );
    expect(exitCodeForError(err)).toBe(69);
    expect(sleeps).toHaveLength(3);
  });

  it('a signal during the wait before a retry: a stop (StopSignalError), not exit 69', async () => {
    const stop = new AbortController();
    const budget = new RetryBudgetBox();
    const { store, pool, sleeps } = fakeStore(
      (call) => {
        if (isCursorUpdate(call)) throw sqlError(1222, 'Lock request time out period exceeded.');
        return {};
      },
      { budget, onSleep: () => stop.abort('SIGTERM') },
    );
    store.setRetryBudget({ now: () => 0, stop: stop.signal });
    const err = await store.stage(cursorWrite).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StopSignalError);
    expect((err as Error).message).toBe(
      'Stopped early: sagesync received SIGTERM while waiting to retry work the staging database refused (a lock timeout); the batch was rolled back; the next run continues.',
    );
    expect(((err as Error).cause as Error).message).toMatch(/not retried: sagesync received SIGTERM/);
    expect(sleeps).toHaveLength(1);
    expect(pool.calls.filter(isCursorUpdate)).toHaveLength(1);
  });

  it('retries a single statement outside a transaction too (a read chosen as deadlock victim)', async () => {
    let failures = 1;
    const { store } = fakeStore((call) => {
      if (call.text.includes("[status] = 'NEW'") && failures-- > 0) throw sqlError(1205, 'deadlocked');
      return { recordsets: [[{ staging_id: '5', status: 'NEW' }]] };
    });
    const rows = await store.pendingInbound(CREDIT_LIMIT, { limit: 10 });
    expect(rows.map((r) => r.staging_id)).toEqual(['5']);
  });

  it('reports a connection lost mid-statement as exit 69 and does not retry it', async () => {
    const { store, pool, sleeps } = fakeStore((call) => {
      if (isCursorUpdate(call)) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      return {};
    });
    const err = await store.stage(cursorWrite).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toMatch(
      /connection was lost during the run \(ECONNRESET: read ECONNRESET\)/,
    );
    expect(exitCodeForError(err)).toBe(69);
    expect(sleeps).toEqual([]);
    expect(pool.calls.filter(isCursorUpdate)).toHaveLength(1);
  });

  it('leaves other server errors alone (a record-level 547 is not retried)', async () => {
    const { store, sleeps } = fakeStore((call) => {
      if (isCursorUpdate(call))
        throw sqlError(547, 'The INSERT statement conflicted with the FOREIGN KEY constraint');
      return {};
    });
    const err = await store.stage(cursorWrite).catch((e: unknown) => e);
    expect((err as { number?: number }).number).toBe(547);
    expect(sleeps).toEqual([]);
  });

  it('a statement past its deadline (requestTimeout) 4 times: exit 69 naming staging.statementTimeoutMs', async () => {
    const { store, sleeps } = fakeStore((call) => {
      if (isCursorUpdate(call)) throw timeoutError();
      return {};
    });
    const err = await store.stage(cursorWrite).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toBe(
      'The SQL Server staging database at sql01:1433/X3 refused the work 4 times in a row: no answer ' +
        'within staging.statementTimeoutMs (60000 ms) (ETIMEOUT: Timeout: Request failed to complete in 60000ms). ' +
        'The batch was rolled back; the next run retries it.',
    );
    expect((err as ServiceUnavailableError).hint).toMatch(/a larger staging\.statementTimeoutMs/);
    expect(exitCodeForError(err)).toBe(69);
    expect(sleeps).toHaveLength(3);
  });

  it('a server silent even to the cancel (tedious gives the connection up): lost, not retried, naming the deadline', async () => {
    const { store, sleeps } = fakeStore((call) => {
      if (isCursorUpdate(call)) {
        // tedious 19.2.2 cancelTimeout(): ConnectionError ETIMEOUT, wrapped by mssql keeping the code.
        const original = Object.assign(new Error('Failed to cancel request in 5000ms'), {
          name: 'ConnectionError',
          code: 'ETIMEOUT',
        });
        throw Object.assign(new Error(original.message), {
          name: 'RequestError',
          code: 'ETIMEOUT',
          originalError: original,
        });
      }
      return {};
    });
    const err = await store.stage(cursorWrite).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toMatch(
      /at sql01:1433\/X3: the connection was lost during the run \(ETIMEOUT: Failed to cancel request in 5000ms\): no answer within staging\.statementTimeoutMs \(60000 ms\), nor to the cancel/,
    );
    expect(exitCodeForError(err)).toBe(69);
    expect(sleeps).toEqual([]);
  });

  it('a request that never returns (tedious 19.2.2 has a path without a timer) is given up: the session too', async () => {
    let lock: JobLock | null = null;
    const { store, sleeps } = fakeStore(
      appLockServer((call) => (isCursorUpdate(call) ? new Promise<never>(() => undefined) : {})),
      { backstopMs: 50 },
    );
    lock = await store.tryLock('push-orders');
    expect(lock?.held()).toBe(true);
    const err = await store.stage(cursorWrite).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toMatch(
      /^The SQL Server staging database at sql01:1433\/X3: the connection was lost during the run \(ETIMEOUT: Gave the connection up after 50 ms without an answer\): no answer within staging\.statementTimeoutMs \(60000 ms\), nor to the cancel/,
    );
    expect(exitCodeForError(err)).toBe(69);
    expect(sleeps).toEqual([]);
    // The session is abandoned, and with it the job lock: no later write runs under it.
    expect(lock?.held()).toBe(false);
  });

  it('backs off 250 ms, 1 s, 4 s with up to 50% jitter', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, () => 0))).toEqual([250, 1000, 4000]);
    expect(retryDelayMs(1, () => 1)).toBe(375);
  });
});
