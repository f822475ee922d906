/**
 * A PostgreSQL server that goes away during a run (restart, failover, network) surfaces as a
 * raw driver error (`ECONNREFUSED`, `Connection terminated unexpectedly`, SQLSTATE class 08 or
 * 57P0x). Translated here into ServiceUnavailableError (exit 69, contract "a service was
 * unavailable") instead of reaching the CLI as an internal error (exit 70). So is a statement the
 * server refused because of other work (deadlock, lock or statement timeout). Nothing is
 * half-written: every write is one transaction.
 */
import { ServiceUnavailableError } from '../../errors.js';
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
 * deadlock_detected, serialization_failure, lock_not_available (lock_timeout), query_canceled
 * (statement_timeout). PostgreSQL aborts the transaction, so nothing of the batch was written
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
const BUSY_CODES: Record<string, string> = {
  '40P01': 'a deadlock',
  '40001': 'a serialization failure',
  '55P03': 'a lock timeout',
  '57014': 'a statement timeout',
};

function translate(err: unknown, target: string): unknown {
  if (err instanceof ServiceUnavailableError) return err;
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  const busy = typeof code === 'string' ? BUSY_CODES[code] : undefined;
  if (busy) {
    // Contract: exit 69, "a database that kept refusing the work"; not exit 70, "a bug".
    return new ServiceUnavailableError(
      'database',
      `The staging database at ${target} refused the work with ${busy} (${code}: ${(err as Error).message}). ` +
        'The batch was rolled back; the next run retries it.',
      {
        cause: err,
        hint: 'Look for long transactions on the staging tables (X3 jobs, reports) in pg_stat_activity.',
      },
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

export function connectionLossAware(driver: PgDriver, target: string): PgDriver {
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      throw translate(err, target);
    }
  };
  return {
    kind: driver.kind,
    query: (text, params, name) => guard(driver.query(text, params, name)),
    transaction: (fn) => guard(driver.transaction(fn)),
    tryLock: (name, key) => guard(driver.tryLock(name, key)),
    close: () => driver.close(),
  };
}
