/**
 * Regression: a PostgreSQL server lost during a run (chaos: a restart mid-run) made run-all exit
 * 70 ("Internal error: connect ECONNREFUSED") instead of the contract's 69. The store now
 * reports a lost connection as ServiceUnavailableError('database').
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../src/errors.js';
import { isConnectionLoss } from '../../src/staging/postgres/postgres-errors.js';
import { openStore } from '../../src/staging/open-store.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { forwarder } from '../staging/helpers/forwarder.js';

const pg = BACKENDS.find((b) => b.name === 'postgres');
if (!pg?.available) console.warn(`db-lost-mid-run: the PostgreSQL case is skipped (${pg?.reason})`);

describe('a staging database lost during a run', () => {
  it('classifies driver errors of a lost connection, and only those', () => {
    const withCode = (code: string): Error => Object.assign(new Error('x'), { code });
    expect(isConnectionLoss(withCode('ECONNREFUSED'))).toBe(true);
    expect(isConnectionLoss(withCode('57P01'))).toBe(true);
    expect(isConnectionLoss(withCode('08006'))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(withCode('23505'))).toBe(false);
    expect(isConnectionLoss(withCode('42P01'))).toBe(false);
  });

  const schema = randomSchema('lost');
  afterAll(async () => {
    if (pg?.available) await pg.dropSchema(schema);
  });

  it.skipIf(!pg?.available)(
    'a server that goes away mid-run gives ServiceUnavailableError (exit 69)',
    async () => {
      const url = new URL(process.env.SAGESYNC_TEST_PG_URL as string);
      const fwd = await forwarder(new URL(url));
      url.hostname = '127.0.0.1';
      url.port = String(fwd.port);
      const base = pg!.config(schema);
      const store = await openStore({ ...base, staging: { ...base.staging, url: url.toString() } });
      try {
        await store.query('SELECT 1');
        await fwd.close();
        const err = await store.query('SELECT 1').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ServiceUnavailableError);
        expect((err as ServiceUnavailableError).service).toBe('database');
        expect((err as Error).message).toContain(`127.0.0.1:${fwd.port}`);
      } finally {
        await store.close().catch(() => undefined);
      }
    },
  );
});
