/**
 * Regression (issue 17, defect 1): on SQL Server a job's lock vanished silently. tedious reports
 * a dead socket without the pool's `error` event, mssql swaps in a new session that does not
 * hold the sp_getapplock lock, and the job kept writing while another host could take the lock.
 * Driven through a fake mssql module (no SQL Server here) that plays the driver's events.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeForKind } from '../../src/cli/exit.js';
import { LockLostError } from '../../src/staging/lock-lost.js';
import { CREDIT_LIMIT } from '../../src/staging/tables.js';
import { appLockServer, FakeLockTable, type FakeCall } from '../staging/helpers/fake-mssql.js';
import { fakeStore } from '../staging/helpers/fake-store.js';

const writes = (calls: FakeCall[]) =>
  calls.filter(
    (c) => /^(DECLARE @done|UPDATE|INSERT|DECLARE @ins)/m.test(c.text) && !c.text.includes('applock'),
  );

function setup() {
  const table = new FakeLockTable();
  const server = appLockServer(() => ({ recordsets: [[{ changed: 1 }]] }), table);
  const host = fakeStore(server, { onSessionEnd: table.endSession });
  return { table, server, ...host };
}

const update = [{ stagingId: '1', status: 'DONE' as const, message: null }];

describe('a job lock whose SQL Server session is lost', () => {
  it('turns held() false on the connection events, and the next write stops with exit 69', async () => {
    const { store, pool } = setup();
    const lock = await store.tryLock('pull-credit');
    expect(lock?.held()).toBe(true);
    expect(await store.finishInbound(CREDIT_LIMIT, update)).toBe(1);
    const before = writes(pool.calls).length;

    pool.dropConnection('ETIMEDOUT'); // while the job talks to Oro
    expect(lock?.held()).toBe(false);
    const err = await store.finishInbound(CREDIT_LIMIT, update).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockLostError);
    expect((err as LockLostError).message).toMatch(/lock of pull-credit was lost/);
    expect(exitCodeForKind((err as LockLostError).kind)).toBe(69);
    await expect(lock!.verify()).rejects.toThrow(LockLostError);
    expect(writes(pool.calls)).toHaveLength(before);
    // The lost lock is not "released" on the new session (that would only raise error 1223).
    await lock?.release();
    expect(pool.calls.some((c) => c.text.includes('sp_releaseapplock'))).toBe(false);
  });

  it('is caught by APPLOCK_MODE inside the write transaction when no event came', async () => {
    const { store, pool, table } = setup();
    const lock = await store.tryLock('push-orders');
    table.locks.clear(); // the session lost the lock without a word (e.g. killed and replaced)
    expect(lock?.held()).toBe(true);
    const err = await store.stage({ job: 'push-orders', writes: [], cursor: 'c1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockLostError);
    const check = pool.calls.at(-1)!;
    expect(check.inTransaction).toBe(true);
    expect(check.text).toContain("APPLOCK_MODE(N'public', v.[resource], N'Session')");
    expect(pool.calls.some((c) => c.text.includes('[cursor_value]') && c.text.startsWith('UPDATE'))).toBe(
      false,
    );
  });

  it('lets another host take the lock only once the session ended, never both', async () => {
    const table = new FakeLockTable();
    const server = appLockServer(() => ({ recordsets: [[{ changed: 1 }]] }), table);
    const a = fakeStore(server, { onSessionEnd: table.endSession });
    const b = fakeStore(server, { onSessionEnd: table.endSession, sessionBase: 1000 });
    const lockA = await a.store.tryLock('pull-credit');
    expect(await b.store.tryLock('pull-credit')).toBeNull();
    a.pool.dropConnection('ECONNRESET');
    const lockB = await b.store.tryLock('pull-credit');
    expect(lockB?.held()).toBe(true);
    await expect(a.store.finishInbound(CREDIT_LIMIT, update)).rejects.toThrow(LockLostError);
    expect(await b.store.finishInbound(CREDIT_LIMIT, update)).toBe(1);
    expect(lockA?.held()).toBe(false);
  });

  it('writes without any job lock (migrate, tooling) are not checked', async () => {
    const { store, pool } = setup();
    await store.finishInbound(CREDIT_LIMIT, update);
    expect(pool.calls.some((c) => c.text.includes('APPLOCK_MODE'))).toBe(false);
  });
});
