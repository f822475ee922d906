/**
 * A job's lock lives on a database session (sp_getapplock owned by the session on SQL Server,
 * a session advisory lock on PostgreSQL). When that session ends under a running job (a dead
 * socket, a server restart, a killed session), another host may take the lock and process the
 * same rows: for a pull job that means applying them to Oro twice (contract guarantee 3). The job
 * must stop before its next write: exit 69, "a service was unavailable"; the next run continues
 * from the last commit.
 */
import { ServiceUnavailableError } from '../errors.js';
import type { JobLock } from './store.js';

export class LockLostError extends ServiceUnavailableError {
  readonly lockName: string;
  constructor(lockName: string, why: string, options?: { cause?: unknown }) {
    super(
      'database',
      `The lock of ${lockName} was lost (${why}). The job stopped before its next write; the next run continues from the last commit.`,
      { ...options, hint: 'Check the network to the staging database and its server log.' },
    );
    this.lockName = lockName;
  }
}

/**
 * The job locks a store handed out and that are not released yet: every write of the store
 * first proves them still held (`verifyAll`), so a job whose lock vanished writes nothing more.
 */
export class HeldLocks {
  private readonly locks = new Set<JobLock>();

  /** Wraps `lock` so that it is tracked until released. */
  track(lock: JobLock | null): JobLock | null {
    if (lock === null) return null;
    this.locks.add(lock);
    return {
      name: lock.name,
      held: () => lock.held(),
      verify: () => lock.verify(),
      release: async () => {
        this.locks.delete(lock);
        await lock.release();
      },
    };
  }

  get size(): number {
    return this.locks.size;
  }

  names(): string[] {
    return [...this.locks].map((l) => l.name);
  }

  /** Cheap local check (connection events) for every tracked lock. */
  assertLocal(): void {
    for (const l of this.locks) {
      if (!l.held()) throw new LockLostError(l.name, 'the database session holding it ended');
    }
  }

  async verifyAll(): Promise<void> {
    for (const l of this.locks) await l.verify();
  }
}
