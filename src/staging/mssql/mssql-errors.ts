/**
 * What a failed SQL Server request means for the run (STYLE.md "Errors say what happens next").
 * Error shapes are mssql 12.6's: `RequestError` with `.number` for a server
 * error (code EREQUEST), `.code` ETIMEOUT for tedious's request timeout (tedious 19.2.2
 * `src/connection.ts` `requestTimeout`: it sends an attention, the statement is cancelled and the
 * connection stays usable), ESOCKET/ECLOSE/ECONNCLOSED… for a connection that is gone
 * (mssql `lib/error/*.js`, README "Errors").
 */
import { ServiceUnavailableError } from '../../errors.js';

/**
 * Retried as a whole transaction (or statement) after a short backoff:
 * - 1205: chosen as deadlock victim; the server already rolled the transaction back
 *   (learn.microsoft.com/sql/relational-databases/errors-events/mssqlserver-1205-database-engine-error).
 * - 1222: lock request time out period exceeded; only the statement is cancelled, the
 *   transaction is ours to roll back (…/mssqlserver-1222-database-engine-error).
 * - ETIMEOUT: the request timeout (staging requestTimeout) passed, typically waiting on a lock.
 */
const RETRY_NUMBERS = new Set([1205, 1222]);

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
}

export function isRetriable(err: unknown): boolean {
  const e = (err ?? {}) as DriverError;
  return (typeof e.number === 'number' && RETRY_NUMBERS.has(e.number)) || e.code === 'ETIMEOUT';
}

export function isConnectionLost(err: unknown): boolean {
  const e = (err ?? {}) as DriverError;
  return typeof e.code === 'string' && CONNECTION_LOST.has(e.code);
}

function describe(err: unknown): string {
  const e = (err ?? {}) as DriverError;
  const tag = typeof e.number === 'number' ? `error ${e.number}` : String(e.code ?? 'error');
  return `${tag}: ${String(e.message ?? err)}`;
}

export function connectionLostError(err: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'database',
    `The SQL Server staging database connection was lost during the run (${describe(err)}). The current batch was rolled back; the next run continues from the last commit.`,
    { cause: err, hint: 'Check that SQL Server is up and reachable.' },
  );
}

export function stillBusyError(err: unknown, attempts: number): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'database',
    `SQL Server refused the work ${attempts} times in a row (${describe(err)}). The batch was rolled back; the next run retries it.`,
    {
      cause: err,
      hint: 'Deadlocks or long lock waits on the staging tables: look for long X3 transactions on them.',
    },
  );
}
