/**
 * A full disk under the staging database is a database that cannot work now (exit 69, contract
 * "a service was unavailable"), not a bug (exit 70). It shows as the errno of a file sagesync
 * writes itself (the embedded database's lock file: ENOSPC, or EDQUOT over a quota), or as
 * PostgreSQL's `disk_full` (SQLSTATE 53100, "could not extend file …: No space left on device";
 * https://www.postgresql.org/docs/current/errcodes-appendix.html), which PGlite reports like a
 * server and after which the statement's transaction is rolled back: nothing is half-written,
 * and once there is room again the same data directory works on (test/regressions/full-disk).
 */
import { dirname } from 'node:path';
import { ServiceUnavailableError } from '../../errors.js';

const ERRNOS = new Set(['ENOSPC', 'EDQUOT']);
/**
 * PGlite's own file system calls (opening a data directory, unpacking a fresh one) fail with
 * Emscripten's ErrnoError, whose numbers are not Linux's: ENOSPC 51, EDQUOT 19 (ERRNO_CODES in
 * @electric-sql/pglite 0.5.17 dist/pglite.js), and no message.
 */
const EMSCRIPTEN_ERRNOS = new Set([51, 19]);

function isDiskFull(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, errno, name, message } = err as Record<string, unknown>;
  if (typeof code === 'string' && (ERRNOS.has(code) || code === '53100')) return true;
  if (name === 'ErrnoError' && typeof errno === 'number' && EMSCRIPTEN_ERRNOS.has(errno)) return true;
  return typeof message === 'string' && /No space left on device|Disk quota exceeded/i.test(message);
}

/**
 * The embedded database's full disk in plain words, naming the data directory; `err` as it is
 * when it is something else.
 */
export function embeddedDiskFull(err: unknown, dataDir: string): unknown {
  if (err instanceof ServiceUnavailableError || !isDiskFull(err)) return err;
  const detail = (err as { message?: unknown }).message || 'No space left on device';
  return new ServiceUnavailableError(
    'database',
    `The disk holding the embedded staging database ${dataDir} is full (${detail}). ` +
      'Nothing was half-written: the statement was rolled back, and the next run continues from the last commit.',
    {
      cause: err,
      hint: `Free space on the disk of ${dirname(dataDir)} (df -h ${dirname(dataDir)}), or set staging.path to a directory on a larger disk, then run again.`,
    },
  );
}
