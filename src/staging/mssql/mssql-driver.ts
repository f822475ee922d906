/**
 * Runs the dialect's statements on ONE pinned connection (pool min 1, max 1; docs/staging.md),
 * strictly one at a time: the session-owned app locks live on that connection, and on a
 * one-connection pool a request made while a transaction is open would wait and then fail (tarn's
 * acquireTimeoutMillis; mssql 12.6 `lib/base/connection-pool.js`), so every call queues behind the
 * previous one.
 *
 * Deadlocks, lock timeouts and request timeouts are retried as a whole (mssql-errors.ts); a lost
 * connection is a service outage (exit 69). Rows come from the LAST result set of a batch: our
 * batches end with the SELECT that answers them, while a trigger that returns rows, or a
 * `SELECT TOP 0` probe, would put its result set first (mssql 12.6 `lib/base/request.js`:
 * `recordset: recordsets && recordsets[0]`).
 */
import type mssql from 'mssql';
import type { CommunicationObserver } from '../../log/types.js';
import { STATEMENT_TIMEOUT_DEFAULT_MS } from '../../config/schema.js';
import { retrying, type RetryOptions } from '../retry.js';
import { connectionLostError, isConnectionLost, refusal, stillBusyError } from './mssql-errors.js';
import { SessionWatch } from './mssql-lock.js';
import type { MssqlStatement, MssqlType } from './mssql-sql.js';

type MssqlModule = typeof mssql;

export interface MssqlResult {
  rows: Record<string, unknown>[];
  /** Sum of every DONE count of the batch, triggers' statements included: never a row count we rely on. */
  rowsAffected: number;
}

export interface MssqlExec {
  run(stmt: MssqlStatement): Promise<MssqlResult>;
}

export interface MssqlDriverOptions extends RetryOptions {
  /** Fed by mssql's `beforeConnect` (mssql-open.ts). */
  watch?: SessionWatch;
  /** host:port/db, for messages. */
  where?: string;
  /** The pool's `requestTimeout` (staging.statementTimeoutMs), for messages. */
  deadlineMs?: number;
  /** When a request is given up whatever tedious does (see `backstopped`). */
  backstopMs?: number;
}

/** tedious's `cancelTimeout` default (tedious 19.2.2 `src/connection.ts` DEFAULT_CANCEL_TIMEOUT). */
const TEDIOUS_CANCEL_TIMEOUT_MS = 5_000;
const BACKSTOP_GRACE_MS = 5_000;

export function toDriverType(sql: MssqlModule, type: MssqlType): mssql.ISqlType | (() => mssql.ISqlType) {
  if (type === 'int') return sql.Int;
  if (type === 'bit') return sql.Bit;
  if (type === 'datetime2(3)') return sql.DateTime2(3);
  const m = /^(n?varchar)\((\d+|max)\)$/.exec(type);
  if (!m) throw new Error(`unknown parameter type ${type}`);
  const len = m[2] === 'max' ? sql.MAX : Number(m[2]);
  return m[1] === 'nvarchar' ? sql.NVarChar(len) : sql.VarChar(len);
}

function lastRecordset(res: mssql.IResult<unknown>): Record<string, unknown>[] {
  const sets = (res.recordsets ?? []) as unknown as Record<string, unknown>[][];
  return sets.length > 0 ? (sets[sets.length - 1] ?? []) : [];
}

export class MssqlDriver implements MssqlExec {
  private queue: Promise<unknown> = Promise.resolve();
  readonly watch: SessionWatch;

  constructor(
    private readonly sql: MssqlModule,
    private readonly pool: mssql.ConnectionPool,
    private readonly onSql: CommunicationObserver | undefined,
    private readonly options: MssqlDriverOptions = {},
  ) {
    this.watch = options.watch ?? new SessionWatch();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs `attempt` again after a refusal (../retry.ts); maps what is left to the run's terms. */
  private retrying<T>(attempt: () => Promise<T>): Promise<T> {
    const where = this.options.where ?? 'the configured server';
    const deadlineMs = this.options.deadlineMs ?? STATEMENT_TIMEOUT_DEFAULT_MS;
    return retrying(attempt, {
      ...this.options,
      refusal: (err) => refusal(err, deadlineMs),
      otherwise: (err) => (isConnectionLost(err) ? connectionLostError(err, where, deadlineMs) : err),
      giveUp: (refused, attempts, err, notRetried) =>
        stillBusyError(refused, attempts, err, where, notRetried),
    });
  }

  /**
   * The last word on a request that never returns. tedious answers its own request timeout with
   * an attention and gives the connection up when that goes unanswered for `cancelTimeout`, except
   * on one path: a request whose timeout passes while its message is still being sent (a big
   * batch into a network that stopped acknowledging) waits for the server's reply with no timer
   * at all (fixed in tedious 20.0.4, tediousjs/tedious#1751, which needs Node 22). Past the
   * deadline plus the cancel timeout plus a grace, the session is abandoned: its connection is
   * closed (the server rolls back its transaction) and the run stops with exit 69.
   */
  private backstopped<T>(request: Promise<T>): Promise<T> {
    const deadlineMs = this.options.deadlineMs ?? STATEMENT_TIMEOUT_DEFAULT_MS;
    const ms = this.options.backstopMs ?? deadlineMs + TEDIOUS_CANCEL_TIMEOUT_MS + BACKSTOP_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const why = `no answer within staging.statementTimeoutMs (${deadlineMs} ms), nor to the cancel that followed`;
        this.watch.abandon(`a statement got ${why}`);
        const gone = Object.assign(new Error(`Gave the connection up after ${ms} ms without an answer`), {
          code: 'ETIMEOUT',
          originalError: { name: 'ConnectionError' },
        });
        reject(connectionLostError(gone, this.options.where ?? 'the configured server', deadlineMs));
      }, ms);
    });
    // The abandoned request still settles (ECLOSE) once its connection is closed: ignored.
    request.catch(() => undefined);
    return Promise.race([request, expired]).finally(() => clearTimeout(timer));
  }

  private async exec(
    target: mssql.ConnectionPool | mssql.Transaction,
    stmt: MssqlStatement,
  ): Promise<MssqlResult> {
    const req = new this.sql.Request(target as mssql.ConnectionPool);
    for (const p of stmt.params) req.input(p.name, toDriverType(this.sql, p.type), p.value);
    const started = performance.now();
    try {
      const res = await this.backstopped(req.query(stmt.text));
      const rowsAffected = (res.rowsAffected ?? []).reduce((a, b) => a + b, 0);
      const rows = lastRecordset(res);
      this.onSql?.({
        kind: 'sql',
        statement: stmt.text,
        durationMs: performance.now() - started,
        rowCount: rows.length || rowsAffected,
      });
      return { rows, rowsAffected };
    } catch (err) {
      this.onSql?.({
        kind: 'sql',
        statement: stmt.text,
        durationMs: performance.now() - started,
        rowCount: null,
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  }

  run(stmt: MssqlStatement): Promise<MssqlResult> {
    // One statement outside a transaction: a deadlock victim's or timed-out batch was rolled
    // back by the server, so running it again is safe.
    return this.serial(() => this.retrying(() => this.exec(this.pool, stmt)));
  }

  /** Raw text with `@p1…` placeholders and inferred types: for the store's tooling `query()`. */
  runRaw(text: string, values: readonly unknown[]): Promise<MssqlResult> {
    return this.serial(() =>
      this.retrying(async () => {
        const req = new this.sql.Request(this.pool);
        values.forEach((v, i) => req.input(`p${i + 1}`, v));
        const res = await this.backstopped(req.query(text));
        return {
          rows: lastRecordset(res),
          rowsAffected: (res.rowsAffected ?? []).reduce((a, b) => a + b, 0),
        };
      }),
    );
  }

  /** `fn` may run more than once (a deadlock retry): it must only build its result from `tx`. */
  transaction<T>(fn: (tx: MssqlExec) => Promise<T>): Promise<T> {
    return this.serial(() =>
      this.retrying(async () => {
        const tx = new this.sql.Transaction(this.pool);
        await tx.begin();
        try {
          const result = await fn({ run: (stmt) => this.exec(tx, stmt) });
          await tx.commit();
          return result;
        } catch (err) {
          // After a deadlock (1205) the server already rolled back: rollback() then reports EABORT
          // (mssql 12.6 `lib/tedious/transaction.js`, `_abort`).
          await tx.rollback().catch(() => undefined);
          throw err;
        }
      }),
    );
  }

  async close(): Promise<void> {
    await this.queue;
    await this.pool.close();
  }
}
