/**
 * `logging.file` (issue 18, point 16): opened without following a link (a link there could make
 * sagesync append customers' data to any file it may write, or create a dangling link's target),
 * only a regular file; a missing directory is created (0700) as before. When the file cannot be
 * opened or a write fails (a full disk), the run goes on logging to stderr and says so once:
 * losing the log must never stop the sync, nor happen silently.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

/** Why a log file could not be opened or written, in plain words. */
function logFileReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'its directory does not exist and cannot be created';
    case 'ENOTDIR':
      return 'a part of its path is not a directory';
    case 'ELOOP':
      return 'it is a symbolic link, which sagesync does not follow';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENXIO':
      return 'it is a named pipe nobody reads';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Opens `file` for appending, mode 0600 when created (log lines name customers and orders).
 * O_NOFOLLOW refuses a link as the last path component; O_NONBLOCK keeps a FIFO from blocking.
 */
export function openLogFile(file: string): { fd: number } | { reason: string } {
  const open = (): number =>
    openSync(
      file,
      constants.O_WRONLY |
        constants.O_APPEND |
        constants.O_CREAT |
        constants.O_NOFOLLOW |
        constants.O_NONBLOCK,
      0o600,
    );
  let fd: number;
  try {
    try {
      fd = open();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      fd = open();
    }
  } catch (err) {
    return { reason: logFileReason(err) };
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    return { reason: 'it is not a regular file' };
  }
  return { fd };
}

/** A full disk may take part of a line before it refuses the rest. */
function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length;) done += writeSync(fd, data, done);
}

/**
 * A stream over the open file. Writes are synchronous (a log line is small, and a line written
 * before a crash is on disk); the first failed write calls `onFailure` and drops later lines.
 */
export function logFileStream(fd: number, onFailure: (reason: string) => void): Writable {
  let failed = false;
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!failed) {
        try {
          writeAll(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        } catch (err) {
          failed = true;
          onFailure(logFileReason(err));
        }
      }
      callback();
    },
    final(callback) {
      try {
        closeSync(fd);
      } catch {
        // Closing can report a delayed write error (NFS); the warning was given or is moot.
      }
      callback();
    },
  });
}

/** Appends one line (a configuration error before any logger exists); false when it could not. */
export function appendLogLine(file: string, line: string): boolean {
  const opened = openLogFile(file);
  if (!('fd' in opened)) return false;
  try {
    writeAll(opened.fd, Buffer.from(line));
    return true;
  } catch {
    return false;
  } finally {
    closeSync(opened.fd);
  }
}
