/**
 * The thin seam between the PostgreSQL dialect (postgres-store.ts) and its two drivers: `pg`
 * against a server (pg-driver.ts) and PGlite in-process (pglite-driver.ts). Everything above
 * this seam is the same SQL.
 */
import type { CommunicationObserver } from '../../log/types.js';
import type { JobLock } from '../store.js';
import type { PgStatement } from './postgres-sql.js';

export interface PgResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

export interface PgQueryable {
  /** `name` makes node-postgres prepare the statement once per connection. */
  query(text: string, params?: readonly unknown[], name?: string): Promise<PgResult>;
}

/** Runs a statement built by the dialect's pure builders (postgres-*-sql.ts). */
export function run(q: PgQueryable, s: PgStatement): Promise<PgResult> {
  return q.query(s.text, s.params, s.name);
}

export interface PgDriver extends PgQueryable {
  readonly kind: 'postgres' | 'embedded';
  /** One transaction on one connection: commits when `fn` resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T>;
  /** A session lock held on a connection of its own; null when another session holds it. */
  tryLock(name: string, key: readonly [number, number]): Promise<JobLock | null>;
  close(): Promise<void>;
}

/** Reports every statement (text, duration, row count; never parameter values) to `onSql`. */
function observed(q: PgQueryable, onSql: CommunicationObserver | undefined): PgQueryable {
  if (!onSql) return q;
  return {
    async query(text, params, name) {
      const started = performance.now();
      try {
        const result = await q.query(text, params, name);
        onSql({
          kind: 'sql',
          statement: text,
          durationMs: performance.now() - started,
          rowCount: result.rowCount,
        });
        return result;
      } catch (err) {
        onSql({
          kind: 'sql',
          statement: text,
          durationMs: performance.now() - started,
          rowCount: null,
          error: err instanceof Error ? err.message : String(err),
        });
        throw err;
      }
    },
  };
}

export function observedDriver(driver: PgDriver, onSql: CommunicationObserver | undefined): PgDriver {
  if (!onSql) return driver;
  const q = observed(driver, onSql);
  return {
    kind: driver.kind,
    query: (text, params, name) => q.query(text, params, name),
    transaction: (fn) => driver.transaction((tx) => fn(observed(tx, onSql))),
    tryLock: (name, key) => driver.tryLock(name, key),
    close: () => driver.close(),
  };
}
