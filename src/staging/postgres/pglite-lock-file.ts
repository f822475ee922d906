/**
 * The embedded database's exclusive lock: `<data dir>.lock`, created with O_EXCL. PGlite takes no
 * lock on its data directory and a second process opening it corrupts it
 * (electric-sql/pglite#1106), so this is not optional.
 *
 * A pid alone proves nothing: in a container sagesync is PID 1, so a lock left by a killed run
 * names PID 1, which is always alive, and every later run would skip everything with exit 0
 * (issue 20). The lock therefore proves its holder two ways:
 * - identity: it records the holder's pid, host and process start time (Linux /proc/<pid>/stat,
 *   field 22, `starttime`: proc(5)); on the same host a pid that is dead, or alive with another
 *   start time (the pid was reused, or it is this very process) does not hold it;
 * - heartbeat: the holder touches the file every HEARTBEAT_MS; a file not touched for STALE_MS is
 *   stale whoever it names (another host on a shared volume, a pid namespace we cannot see into).
 * A stale file is moved aside atomically and the O_EXCL create retried.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { StoreBusyError } from '../store-busy.js';

const HEARTBEAT_MS = 10_000;
/** Generous: a holder whose event loop is busy with a long statement still counts as alive. */
const STALE_MS = 90_000;

export interface LockTiming {
  heartbeatMs?: number;
  staleMs?: number;
}

interface Holder {
  pid: number;
  host: string | null;
  start: string | null;
}

/** The kernel's start time of a process (clock ticks since boot), or null where /proc is absent. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count fields after its closing ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

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

function readHolder(file: string): Holder | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  try {
    const j = JSON.parse(text) as Partial<Holder>;
    if (typeof j.pid === 'number') return { pid: j.pid, host: j.host ?? null, start: j.start ?? null };
  } catch {
    /* the format before issue 20: the pid alone */
  }
  const pid = Number.parseInt(text, 10);
  return Number.isNaN(pid) ? null : { pid, host: null, start: null };
}

/** Lock files this process holds (a second open in the same process is busy too). */
const heldHere = new Set<string>();

/** Does `h` (read from `file`) still hold the lock? */
function holds(file: string, h: Holder, staleMs: number): boolean {
  let mtime: number;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return false;
  }
  if (Date.now() - mtime > staleMs) return false; // no heartbeat: its holder is gone or frozen
  if (h.host !== null && h.host !== hostname()) return true; // the heartbeat is all we can see
  if (h.pid === process.pid) return heldHere.has(file);
  if (!alive(h.pid)) return false;
  if (h.start === null) return true; // an old-format file from a live pid: trust the heartbeat
  const start = processStart(h.pid);
  return start === null || start === h.start;
}

export class DataDirLock {
  private constructor(
    readonly file: string,
    private readonly onExit: () => void,
    private readonly beat: NodeJS.Timeout,
  ) {}

  static acquire(dataDir: string, timing: LockTiming = {}): DataDirLock {
    const staleMs = timing.staleMs ?? STALE_MS;
    const file = `${resolve(dataDir)}.lock`;
    mkdirSync(dirname(file), { recursive: true });
    const me: Holder = { pid: process.pid, host: hostname(), start: processStart(process.pid) };
    const mine = JSON.stringify(me);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        try {
          writeSync(fd, `${mine}\n`);
        } catch (err) {
          // A full disk: no empty lock file is left behind to puzzle the next run.
          closeSync(fd);
          unlinkSync(file);
          throw err;
        }
        closeSync(fd);
        heldHere.add(file);
        const release = (): void => {
          heldHere.delete(file);
          try {
            if (readFileSync(file, 'utf8').trim() === mine) unlinkSync(file);
          } catch {
            /* already gone */
          }
        };
        process.once('exit', release);
        const beat = setInterval(() => {
          try {
            const now = new Date();
            utimesSync(file, now, now);
          } catch {
            /* taken over after a freeze: the next open will say so */
          }
        }, timing.heartbeatMs ?? HEARTBEAT_MS);
        beat.unref();
        return new DataDirLock(file, release, beat);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(file);
      if (holder !== null && holds(file, holder, staleMs))
        throw new StoreBusyError(resolve(dataDir), holder.pid, holder.host);
      // Stale: move it aside atomically (rename), so that of two processes seeing the same
      // stale file only one removes it; the other's rename fails and it retries the O_EXCL create.
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
        const moved = readHolder(aside);
        if (
          moved !== null &&
          JSON.stringify(moved) !== JSON.stringify(holder) &&
          holds(aside, moved, staleMs)
        ) {
          // We moved a live holder's fresh file: put it back and give up.
          renameSync(aside, file);
          throw new StoreBusyError(resolve(dataDir), moved.pid, moved.host);
        }
        unlinkSync(aside);
      } catch (err) {
        if (err instanceof StoreBusyError) throw err;
      }
    }
    const last = readHolder(file);
    throw new StoreBusyError(resolve(dataDir), last?.pid ?? 0, last?.host ?? null);
  }

  release(): void {
    clearInterval(this.beat);
    process.removeListener('exit', this.onExit);
    this.onExit();
  }
}
