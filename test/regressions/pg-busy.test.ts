/**
 * Regression: on PostgreSQL a deadlock or a lock timeout of a staging statement reached the CLI
 * as a raw driver error, exit 70 ("a bug in sagesync, report it"), although the contract says 69
 * for a database that refuses the work and the batch was rolled back. Played for real: another
 * session (standing for an X3 job) and the store's own connection deadlock on two advisory
 * locks; the store, which waits first, is PostgreSQL's victim (deadlock_timeout).
 *
 * Issue 15 (parity with SQL Server's 1205/1222 retry): such a refusal is now run again, whole,
 * after 250 ms, 1 s and 4 s, and is exit 69 once the retries are spent; the message names the
 * host.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../src/errors.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';

const backend = BACKENDS.find((b) => b.name === 'postgres');
if (!backend?.available) console.warn(`pg-busy.test.ts: skipped (${backend?.reason})`);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!backend?.available)('PostgreSQL refusing the work: exit 69, not 70', () => {
  const schema = randomSchema('busy');
  afterAll(async () => backend!.dropSchema(schema));

  const caught = (p: Promise<unknown>): Promise<unknown> =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );

  const sleeps: number[] = [];
  const noWait = async (ms: number): Promise<void> => void sleeps.push(ms);

  /**
   * The store takes b, then waits for a (held by `other`); once it waits (not before: a loaded
   * machine may be slow to start it), `other` asks for b: a deadlock, found first by the store's
   * backend (see below). Returns the store's statement (its error, or undefined) and `other`'s request.
   */
  async function deadlock(
    store: StagingStore,
    other: pg.Client,
    [a, b]: readonly [number, number],
  ): Promise<{ mine: Promise<unknown>; theirs: Promise<unknown> }> {
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock($1)', [a]);
    const mine = caught(
      store.query(
        `DO $$ BEGIN PERFORM pg_advisory_xact_lock(${b}); PERFORM pg_sleep(0.2); PERFORM pg_advisory_xact_lock(${a}); END $$`,
      ),
    );
    // How long the store has waited for a (pg_locks.waitstart, PostgreSQL 14+), or null.
    const waited = async (): Promise<number | null> => {
      const r = await other.query(
        `SELECT (extract(epoch FROM clock_timestamp() - max(waitstart)) * 1000)::int AS ms
           FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1`,
        [a],
      );
      return (r.rows[0] as { ms: number | null }).ms;
    };
    let ms: number | null = null;
    for (let i = 0; i < 200 && (ms = await waited()) === null; i++) await pause(50);
    // Each backend looks for a deadlock once, deadlock_timeout (1 s) after it began to wait. The
    // store's look must come after `other` waits and before `other`'s own look: `other` asks for b
    // about 400 ms into the store's wait, however late a loaded machine noticed that wait.
    await pause(Math.max(0, 400 - (ms ?? 0)));
    return { mine, theirs: other.query('SELECT pg_advisory_xact_lock($1)', [b]) };
  }

  async function withOther(store: StagingStore, play: (other: pg.Client) => Promise<void>): Promise<void> {
    const other = new pg.Client({ connectionString: process.env.SAGESYNC_TEST_PG_URL });
    await other.connect();
    try {
      await play(other);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
      await store.close();
    }
  }

  it('a deadlock is a ServiceUnavailableError naming it (no retries left)', async () => {
    const store = await openStore(backend!.config(schema), { retry: { retries: 0 } });
    await withOther(store, async (other) => {
      const { mine, theirs } = await deadlock(store, other, [734_101, 734_102]);
      const err = await mine;
      await theirs;
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect((err as ServiceUnavailableError).service).toBe('database');
      expect((err as Error).message).toMatch(
        /^The PostgreSQL staging database at [^ ]+:\d+\/\w+ refused the work: a deadlock \(40P01: /,
      );
      expect((err as Error).message).toMatch(/the next run retries it/);
    });
  });

  it('a deadlock is retried, whole, and the work done once the other session is gone', async () => {
    sleeps.length = 0;
    const store = await openStore(backend!.config(schema), { retry: { sleep: noWait } });
    await withOther(store, async (other) => {
      const { mine, theirs } = await deadlock(store, other, [734_111, 734_112]);
      // The store is the victim; its retry waits for b, which the other session now holds…
      await theirs;
      // …until it ends: the retry takes b, then a, and the statement succeeds.
      await other.query('ROLLBACK');
      expect(await mine).toBeUndefined();
      expect(sleeps).toHaveLength(1);
    });
  });

  it('a lock timeout is one too, 4 times in a row; other SQL errors stay what they are', async () => {
    sleeps.length = 0;
    const store = await openStore(backend!.config(schema), { retry: { sleep: noWait } });
    const other = new pg.Client({ connectionString: process.env.SAGESYNC_TEST_PG_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(734103)');
      const err = await caught(
        store.query(
          `DO $$ BEGIN PERFORM set_config('lock_timeout', '100ms', true); PERFORM pg_advisory_xact_lock(734103); END $$`,
        ),
      );
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect((err as Error).message).toMatch(/refused the work 4 times in a row: a lock timeout \(55P03: /);
      expect(sleeps).toHaveLength(3);
      const syntax = await caught(store.query('SELEC 1'));
      expect(syntax).not.toBeInstanceOf(ServiceUnavailableError);
      expect((syntax as { code?: string }).code).toBe('42601');
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
      await store.close();
    }
  });
});
