/**
 * A PostgreSQL server that goes away during a run (restart, failover, network) surfaces as a
 * raw driver error (`ECONNREFUSED`, `Connection terminated unexpectedly`, SQLSTATE class 08 or
 * 57P0x). Translated here into ServiceUnavailableError (exit 69, contract "a service was
 * unavailable") instead of reaching the CLI as an internal error (exit 70). A statement the
 * server refused because of other work (deadlock, lock or statement timeout) is run again, whole,
 * as SQL Server's 1205/1222/ETIMEOUT are (../retry.ts), and is exit 69 once the retries are spent.
 * Nothing is half-written: every write is one transaction.
 */
import { ServiceUnavailableError } from '../../errors.js';
import { DIALECT_DEFAULTS } from '../dialects.js';
import { deadlineRefusal, refusedError, retrying, type Refusal, type RetryOptions } from '../retry.js';
import type { PgDriver } from './postgres-driver.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

export function isConnectionLoss(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // 08xxx connection exception; 57P01..57P03 admin/crash shutdown, cannot connect now.
    if (NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) return true;
  }
  return /Connection terminated|Client has encountered a connection error|connection is closed/i.test(
    err.message,
  );
}

/**
 * SQLSTATEs of a statement PostgreSQL refused because of other work, not because of it:
 * deadlock_detected, serialization_failure, lock_not_available (lock_timeout), and query_canceled
 * by statement_timeout (= staging.statementTimeoutMs; PostgreSQL waits for a lock forever by
 * default, so a lock wait ends there, as on SQL Server at its request timeout). PostgreSQL aborts
 * the transaction, so nothing of the batch was written
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
const REFUSALS: Record<string, string> = {
  '40P01': 'a deadlock',
  '40001': 'a serialization failure',
  '55P03': 'a lock timeout',
};

/** query_canceled for another reason than the deadline (pg_cancel_backend): not retried. */
const CANCELED = '57014';

function sqlState(err: unknown): string | undefined {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The refusal `err` is (retried as a whole), or null. */
function refusal(err: unknown, deadlineMs: number): Refusal | null {
  const code = sqlState(err);
  if (code === undefined) return null;
  const detail = `${code}: ${(err as Error).message}`;
  const what = REFUSALS[code];
  if (what) return { what, detail };
  // The server's own words for its deadline (lc_messages in English, the default).
  if (code === CANCELED && /statement timeout/i.test((err as Error).message))
    return deadlineRefusal(deadlineMs, detail);
  return null;
}

/**
 * node-postgres's own deadline (`query_timeout`, set a little past statement_timeout): the server
 * did not even answer its deadline, a silent network or a hung server. The connection is then in
 * an unknown state and is dropped (pg 8 `lib/client.js`, "Query read timeout").
 */
export function isReadTimeout(err: unknown): boolean {
  return err instanceof Error && err.message === 'Query read timeout';
}

const HINT = 'Look for long transactions on the staging tables (X3 jobs, reports) in pg_stat_activity.';

function translate(err: unknown, target: string, deadlineMs: number): unknown {
  if (err instanceof ServiceUnavailableError) return err;
  const label = DIALECT_DEFAULTS.postgres.label;
  if (sqlState(err) === CANCELED) {
    // Contract: exit 69, "a database that kept refusing the work"; not exit 70, "a bug".
    const detail = `${CANCELED}: ${(err as Error).message}`;
    return refusedError(label, target, { what: 'a cancel on the server', detail }, 1, err, HINT);
  }
  if (isReadTimeout(err)) {
    return new ServiceUnavailableError(
      'database',
      `The ${label} staging database at ${target} gave no answer within staging.statementTimeoutMs (${deadlineMs} ms), not even its own timeout: the connection was dropped. ` +
        'The current batch was rolled back; the next run continues from the last commit.',
      { cause: err, hint: 'Check that the PostgreSQL server is up and that the network to it works.' },
    );
  }
  if (!isConnectionLoss(err)) return err;
  return new ServiceUnavailableError(
    'database',
    `The staging database at ${target} was lost during the run: ${(err as Error).message}. ` +
      'The current batch was rolled back; the next run continues from the last commit.',
    { cause: err, hint: 'Check that the PostgreSQL server is up and reachable.' },
  );
}

export interface BusyOptions extends RetryOptions {
  /** host:port/db, for messages. */
  target: string;
  /** statement_timeout (staging.statementTimeoutMs), for messages. */
  deadlineMs: number;
}

/** Refused work retried (../retry.ts); what is left, in the run's terms. */
export function connectionLossAware(driver: PgDriver, o: BusyOptions): PgDriver {
  const guard = <T>(attempt: () => Promise<T>): Promise<T> =>
    retrying(attempt, {
      ...o,
      refusal: (err) => refusal(err, o.deadlineMs),
      otherwise: (err) => translate(err, o.target, o.deadlineMs),
      giveUp: (refused, attempts, err, notRetried) =>
        refusedError(DIALECT_DEFAULTS.postgres.label, o.target, refused, attempts, err, HINT, notRetried),
    });
  return {
    kind: driver.kind,
    query: (text, params, name) => guard(() => driver.query(text, params, name)),
    // `fn` may run more than once: it builds its result from `tx` only (as on SQL Server).
    transaction: (fn) => guard(() => driver.transaction(fn)),
    tryLock: (name, key) => guard(() => driver.tryLock(name, key)),
    close: () => driver.close(),
  };
}
