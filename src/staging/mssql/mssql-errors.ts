/**
 * What a failed SQL Server request means for the run (STYLE.md "Errors say what happens next").
 * Error shapes are mssql 12.6's: `RequestError` with `.number` for a server
 * error (code EREQUEST), `.code` ETIMEOUT for tedious's request timeout (tedious 19.2.2
 * `src/connection.ts` `requestTimeout`: it sends an attention, the statement is cancelled and the
 * connection stays usable), ESOCKET/ECLOSE/ECONNCLOSED… for a connection that is gone
 * (mssql `lib/error/*.js`, README "Errors").
 */
import { ServiceUnavailableError } from '../../errors.js';
import { DIALECT_DEFAULTS } from '../dialects.js';
import { deadlineRefusal, refusedError, type Refusal } from '../retry.js';

/**
 * Retried as a whole transaction (or statement) after a short backoff:
 * - 1205: chosen as deadlock victim; the server already rolled the transaction back
 *   (learn.microsoft.com/sql/relational-databases/errors-events/mssqlserver-1205-database-engine-error).
 * - 1222: lock request time out period exceeded; only the statement is cancelled, the
 *   transaction is ours to roll back (…/mssqlserver-1222-database-engine-error).
 * - ETIMEOUT: the request timeout (`requestTimeout` = staging.statementTimeoutMs) passed,
 *   typically waiting on a lock (SQL Server waits for a lock forever by default: LOCK_TIMEOUT -1).
 *   tedious then cancels the statement with an attention and the connection stays usable.
 * The same as PostgreSQL's 40P01, 55P03 and 57014 (postgres-errors.ts); the loop is ../retry.ts.
 */
const REFUSALS: Record<number, string> = { 1205: 'a deadlock', 1222: 'a lock timeout' };

/**
 * The session is gone: not retried (its app locks went with it), reported as exit 69. A socket
 * that dies under a running request reaches the request callback as the raw Node error (tedious
 * `SENT_CLIENT_REQUEST.events.socketError`), which mssql wraps keeping its code (`MSSQLError`:
 * `this.code = message.code || code`): hence ETIMEDOUT/EPIPE/ECONNRESET next to tedious's ESOCKET
 * and ECLOSE and mssql's ECONNCLOSED/ENOTOPEN/ENOCONN.
 */
const CONNECTION_LOST = new Set([
  'ESOCKET',
  'ECLOSE',
  'ECONNCLOSED',
  'ENOTOPEN',
  'ENOCONN',
  'ECONNRESET',
  'ECONNABORTED',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

interface DriverError {
  code?: unknown;
  number?: unknown;
  message?: unknown;
  originalError?: unknown;
}

/**
 * The cancel of a timed-out request got no answer within tedious's `cancelTimeout` (5 s): tedious
 * then gives up the connection (tedious 19.2.2 `src/connection.ts` `cancelTimeout`: a
 * `ConnectionError` ETIMEOUT "Failed to cancel request", dispatched as a socket error), which
 * mssql hands on keeping the code ETIMEOUT (`MSSQLError`: `this.code = message.code || code`).
 */
function cancelFailed(e: DriverError): boolean {
  return (
    e.code === 'ETIMEOUT' &&
    ((e.originalError as { name?: unknown } | undefined)?.name === 'ConnectionError' ||
      /failed to cancel request/i.test(String(e.message)))
  );
}

function describe(err: unknown): string {
  const e = (err ?? {}) as DriverError;
  const tag = typeof e.number === 'number' ? `error ${e.number}` : String(e.code ?? 'error');
  return `${tag}: ${String(e.message ?? err)}`;
}

/** The refusal `err` is (retried as a whole), or null. */
export function refusal(err: unknown, deadlineMs: number): Refusal | null {
  const e = (err ?? {}) as DriverError;
  const what = typeof e.number === 'number' ? REFUSALS[e.number] : undefined;
  if (what) return { what, detail: describe(err) };
  if (e.code === 'ETIMEOUT' && !cancelFailed(e)) return deadlineRefusal(deadlineMs, describe(err));
  return null;
}

export function isConnectionLost(err: unknown): boolean {
  const e = (err ?? {}) as DriverError;
  return (typeof e.code === 'string' && CONNECTION_LOST.has(e.code)) || cancelFailed(e);
}

export function connectionLostError(
  err: unknown,
  where: string,
  deadlineMs: number,
): ServiceUnavailableError {
  const silent = cancelFailed(err ?? {})
    ? `: no answer within staging.statementTimeoutMs (${deadlineMs} ms), nor to the cancel that followed`
    : '';
  return new ServiceUnavailableError(
    'database',
    `The ${DIALECT_DEFAULTS.mssql.label} staging database at ${where}: the connection was lost during the run (${describe(err)})${silent}. The current batch was rolled back; the next run continues from the last commit.`,
    { cause: err, hint: 'Check that SQL Server is up and reachable.' },
  );
}

export function stillBusyError(
  refused: Refusal,
  attempts: number,
  err: unknown,
  where: string,
  notRetried?: string,
): ServiceUnavailableError {
  return refusedError(
    DIALECT_DEFAULTS.mssql.label,
    where,
    refused,
    attempts,
    err,
    'Deadlocks or long lock waits on the staging tables: look for long X3 transactions on them.',
    notRetried,
  );
}
