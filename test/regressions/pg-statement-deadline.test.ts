// @module-tag hostile
/**
 * Issue 15 (15d): a database statement that never returns must not hold a run forever. Every
 * statement has a total deadline, `staging.statementTimeoutMs`: on PostgreSQL the server's
 * statement_timeout (it cancels the statement and keeps the connection), and node-postgres's
 * query_timeout a little later for a server or network that answers nothing at all. Played on a
 * real PostgreSQL:
 * - X3 holds the credit-limit table locked: pull-credit's read waits, is cancelled at the
 *   deadline, is retried as a deadlock would be, and the job stops with exit 69 and a message
 *   naming the setting; once X3 lets go the next run works;
 * - the network goes silent (a forwarder that drops every byte): the client's own deadline ends
 *   the statement, the connection is dropped, and the store works again on a new one.
 * PGlite accepts statement_timeout but never enforces it (its Postgres runs synchronously inside
 * the JavaScript thread: no timer can fire during a statement), pinned below so that the day it
 * does, the documentation (docs/staging.md "Deadlines") is revisited.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../src/errors.js';
import { openStore } from '../../src/staging/open-store.js';
import { runCli } from '../cli/helpers.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { forwarder } from '../staging/helpers/forwarder.js';
import { freePort } from '../tunnel/sshd-server.js';

const backend = BACKENDS.find((b) => b.name === 'postgres');
if (!backend?.available) console.warn(`pg-statement-deadline.test.ts: skipped (${backend?.reason})`);
const url = process.env.SAGESYNC_TEST_PG_URL ?? '';

describe.skipIf(!backend?.available)('a statement past staging.statementTimeoutMs on PostgreSQL', () => {
  const schema = randomSchema('deadline');
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-deadline-'));
  afterAll(async () => {
    await backend!.dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('X3 holds the table locked: pull-credit stops with exit 69 naming the setting; the next run works', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        oro: {
          url: `http://127.0.0.1:${await freePort()}`,
          clientId: 'cid',
          clientSecret: 's',
          maxRetries: 0,
        },
        staging: { dialect: 'postgres', url, schema, tls: { enabled: false }, statementTimeoutMs: 300 },
      }),
    );
    expect((await runCli(['migrate', '-c', file])).code).toBe(0);
    const x3 = new pg.Client({ connectionString: url });
    await x3.connect();
    try {
      await x3.query('BEGIN');
      await x3.query(`LOCK TABLE "${schema}".sagesync_credit_limit IN ACCESS EXCLUSIVE MODE`);
      const ran = await runCli(['pull-credit', '-c', file]);
      expect(ran.code).toBe(69);
      expect(ran.stderr).toContain(
        `refused the work 4 times in a row: no answer within staging.statementTimeoutMs (300 ms) ` +
          `(57014: canceling statement due to statement timeout). The batch was rolled back; the next run retries it.`,
      );
      expect(ran.stderr).toMatch(/a larger staging\.statementTimeoutMs/);
      // The server cancelled each attempt: nothing of sagesync's is left waiting on the lock.
      const waiting = await x3.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sagesync' AND wait_event_type = 'Lock'`,
      );
      expect((waiting.rows[0] as { n: number }).n).toBe(0);
    } finally {
      await x3.query('ROLLBACK').catch(() => undefined);
      await x3.end();
    }
    expect((await runCli(['pull-credit', '-c', file])).code).toBe(0);
  }, 60_000);

  it('a silent network: the client deadline ends the statement, exit 69, and a new connection works', async () => {
    const fwd = await forwarder(new URL(url));
    const via = new URL(url);
    via.hostname = '127.0.0.1';
    via.port = String(fwd.port);
    const base = backend!.config(schema);
    const store = await openStore({
      ...base,
      staging: { ...base.staging, url: via.toString(), statementTimeoutMs: 300 },
    });
    try {
      expect(await store.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      fwd.silent = true;
      const err = await store.query('SELECT 2 AS two').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect((err as Error).message).toBe(
        `The PostgreSQL staging database at 127.0.0.1:${fwd.port}/${via.pathname.slice(1)} gave no answer within ` +
          'staging.statementTimeoutMs (300 ms), not even its own timeout: the connection was dropped. ' +
          'The current batch was rolled back; the next run continues from the last commit.',
      );
      fwd.silent = false;
      expect(await store.query('SELECT 3 AS three')).toEqual([{ three: 3 }]);
    } finally {
      await store.close().catch(() => undefined);
      await fwd.close();
    }
  }, 30_000);
});

describe('PGlite and statement_timeout', () => {
  it('accepts the setting and does not enforce it (the embedded store has no statement deadline)', async () => {
    const db = await PGlite.create('memory://');
    try {
      await db.exec("SET statement_timeout = '50ms'");
      expect((await db.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '50ms' }]);
      // Four times the deadline, and it completes.
      expect((await db.query('SELECT 1 AS slept FROM pg_sleep(0.2)')).rows).toEqual([{ slept: 1 }]);
    } finally {
      await db.close();
    }
  });
});
