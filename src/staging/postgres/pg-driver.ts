/**
 * The `pg` (node-postgres) side of the PostgreSQL dialect: a small pool for statements and
 * transactions, and a dedicated client for session locks (postgres-lock.ts). The module is
 * injected (open-store.ts imports it lazily) so a SQL Server run never loads pg.
 */
import type pg from 'pg';
import type { JobLock } from '../store.js';
import type { PgDriver, PgQueryable, PgResult } from './postgres-driver.js';
import { isReadTimeout } from './postgres-errors.js';
import { AdvisoryLocks } from './postgres-lock.js';

type PgModule = typeof pg;

/** Type parsers giving the store's normalised values (docs/staging.md). */
function pgTypes(mod: PgModule): pg.CustomTypesConfig {
  const keepText = new Set([
    20, // int8: string (ids)
    1700, // numeric: string (money)
    1082, // date: YYYY-MM-DD, not a local-midnight Date
    114, // json: text, as the interface promises
    3802, // jsonb
  ]);
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      keepText.has(oid)
        ? (v: string) => v
        : mod.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
  };
}

function wrap(client: pg.Pool | pg.PoolClient): PgQueryable {
  return {
    async query(text, params, name): Promise<PgResult> {
      const res = await client.query({ text, values: params ? [...params] : [], ...(name ? { name } : {}) });
      return { rows: res.rows as Record<string, unknown>[], rowCount: res.rowCount };
    },
  };
}

export class NodePgDriver implements PgDriver {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly locks: AdvisoryLocks;
  private readonly q: PgQueryable;

  constructor(mod: PgModule, config: pg.PoolConfig, onIdleError: (err: Error) => void) {
    const types = pgTypes(mod);
    this.pool = new mod.Pool({ ...config, types, max: 4 });
    // An idle pooled client that dies emits 'error' on the pool; unhandled it would crash the run.
    this.pool.on('error', onIdleError);
    this.q = wrap(this.pool);
    this.locks = new AdvisoryLocks(async () => {
      const client = new mod.Client({ ...config, types, keepAlive: true });
      await client.connect();
      return client;
    });
  }

  /** Opens one connection now, so a wrong password fails at open time, not mid-job. */
  async probe(): Promise<void> {
    const client = await this.pool.connect();
    client.release();
  }

  query(text: string, params?: readonly unknown[], name?: string): Promise<PgResult> {
    return this.q.query(text, params, name);
  }

  async transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      if (isReadTimeout(err)) {
        // The server has not answered: a ROLLBACK would queue behind the statement. Dropping the
        // connection ends the transaction on the server.
        broken = err as Error;
        throw err;
      }
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw err;
    } finally {
      // A client whose ROLLBACK failed is not returned to the pool for reuse.
      client.release(broken);
    }
  }

  tryLock(name: string, key: readonly [number, number]): Promise<JobLock | null> {
    return this.locks.tryLock(name, key);
  }

  async close(): Promise<void> {
    await this.locks.close();
    await this.pool.end();
  }
}
