/**
 * Runs the dialect's statements on ONE pinned connection (pool min 1, max 1; fact sheet A.3),
 * strictly one at a time: the session-owned app locks live on that connection, and on a
 * one-connection pool a request made while a transaction is open would wait and then fail
 * (A.3 trap 3), so every call queues behind the previous one.
 */
import { ServiceUnavailableError } from '../../errors.js';
import type mssql from 'mssql';
import type { CommunicationObserver } from '../../log/types.js';
import type { MssqlStatement, MssqlType } from './mssql-sql.js';

type MssqlModule = typeof mssql;

export interface MssqlResult {
  rows: Record<string, unknown>[];
  rowsAffected: number;
}

export interface MssqlExec {
  run(stmt: MssqlStatement): Promise<MssqlResult>;
}

export function toDriverType(sql: MssqlModule, type: MssqlType): mssql.ISqlType | (() => mssql.ISqlType) {
  if (type === 'int') return sql.Int;
  if (type === 'bit') return sql.Bit;
  if (type === 'datetime2(3)') return sql.DateTime2(3);
  const m = /^(n?varchar)\((\d+|max)\)$/.exec(type);
  if (!m) throw new Error(`unknown parameter type ${type}`);
  const len = m[2] === 'max' ? sql.MAX : Number(m[2]);
  return m[1] === 'nvarchar' ? sql.NVarChar(len) : sql.VarChar(len);
}

export class MssqlDriver implements MssqlExec {
  private queue: Promise<unknown> = Promise.resolve();
  /** False once the pinned connection failed: its session, and any app lock, is gone. */
  alive = true;

  constructor(
    private readonly sql: MssqlModule,
    private readonly pool: mssql.ConnectionPool,
    private readonly onSql: CommunicationObserver | undefined,
  ) {
    pool.on('error', () => {
      this.alive = false;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async exec(
    target: mssql.ConnectionPool | mssql.Transaction,
    stmt: MssqlStatement,
  ): Promise<MssqlResult> {
    const req = new this.sql.Request(target as mssql.ConnectionPool);
    for (const p of stmt.params) req.input(p.name, toDriverType(this.sql, p.type), p.value);
    const started = performance.now();
    try {
      const res = await req.query(stmt.text);
      const rowsAffected = (res.rowsAffected ?? []).reduce((a, b) => a + b, 0);
      const rows = (res.recordset ?? []) as Record<string, unknown>[];
      this.onSql?.({
        kind: 'sql',
        statement: stmt.text,
        durationMs: performance.now() - started,
        rowCount: rows.length || rowsAffected,
      });
      return { rows, rowsAffected };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ESOCKET' || code === 'ECONNCLOSED' || code === 'ECONNRESET' || code === 'ENOTOPEN')
        this.alive = false;
      this.onSql?.({
        kind: 'sql',
        statement: stmt.text,
        durationMs: performance.now() - started,
        rowCount: null,
        error: err instanceof Error ? err.message : String(err),
      });
      if (!this.alive) {
        // The server went away mid-run: a service outage (exit 69), not an internal error. The
        // open transaction, if any, is rolled back by the server when the session ends.
        throw new ServiceUnavailableError(
          'database',
          `The SQL Server staging database connection was lost during the run (${code}): ${(err as Error).message}. The current batch was rolled back; the next run continues from the last commit.`,
          { cause: err, hint: 'Check that SQL Server is up and reachable.' },
        );
      }
      throw err;
    }
  }

  run(stmt: MssqlStatement): Promise<MssqlResult> {
    return this.serial(() => this.exec(this.pool, stmt));
  }

  /** Raw text with `@p1…` placeholders and inferred types: for the store's tooling `query()`. */
  runRaw(text: string, values: readonly unknown[]): Promise<MssqlResult> {
    return this.serial(async () => {
      const req = new this.sql.Request(this.pool);
      values.forEach((v, i) => req.input(`p${i + 1}`, v));
      const res = await req.query(text);
      return {
        rows: (res.recordset ?? []) as Record<string, unknown>[],
        rowsAffected: (res.rowsAffected ?? []).reduce((a, b) => a + b, 0),
      };
    });
  }

  transaction<T>(fn: (tx: MssqlExec) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const tx = new this.sql.Transaction(this.pool);
      await tx.begin();
      try {
        const result = await fn({ run: (stmt) => this.exec(tx, stmt) });
        await tx.commit();
        return result;
      } catch (err) {
        // After a deadlock (1205) the server already rolled back: rollback() then reports EABORT (A.11).
        await tx.rollback().catch(() => undefined);
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.queue;
    await this.pool.close();
  }
}
