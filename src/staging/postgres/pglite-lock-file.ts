/**
 * The embedded database's exclusive lock: `<data dir>.lock`, created with O_EXCL and holding
 * the owner's pid. PGlite takes no lock on its data directory and a second process opening it
 * corrupts it (fact sheet C; pglite#1106), so this is not optional. A file whose pid is no
 * longer alive (the holder was killed) is stale and taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreBusyError } from '../store-busy.js';

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | null {
  try {
    return Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  } catch {
    return null;
  }
}

export class DataDirLock {
  private constructor(
    readonly file: string,
    private readonly onExit: () => void,
  ) {}

  static acquire(dataDir: string): DataDirLock {
    const file = `${resolve(dataDir)}.lock`;
    mkdirSync(dirname(file), { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o644);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        const release = (): void => {
          if (readPid(file) === process.pid) {
            try {
              unlinkSync(file);
            } catch {
              /* already gone */
            }
          }
        };
        process.once('exit', release);
        return new DataDirLock(file, release);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readPid(file);
      if (holder !== null && alive(holder)) throw new StoreBusyError(resolve(dataDir), holder);
      // Stale: move it aside atomically (rename), so that of two processes seeing the same
      // stale file only one removes it; the other's rename fails and it retries the O_EXCL create.
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
        const movedPid = readPid(aside);
        if (movedPid !== holder && movedPid !== null && alive(movedPid)) {
          // We moved a live holder's fresh file: put it back and give up.
          renameSync(aside, file);
          throw new StoreBusyError(resolve(dataDir), movedPid);
        }
        unlinkSync(aside);
      } catch (err) {
        if (err instanceof StoreBusyError) throw err;
      }
    }
    const holder = readPid(file) ?? 0;
    throw new StoreBusyError(resolve(dataDir), holder);
  }

  release(): void {
    process.removeListener('exit', this.onExit);
    this.onExit();
  }
}
