/**
 * Job locks on SQL Server: sp_getapplock with @LockOwner = 'Session' and @LockTimeout = 0 on the
 * store's pinned connection (fact sheet A.3/A.4). The return code is checked (kysely ignores
 * it; A.4): 0/1 granted, -1 held elsewhere, -100 (ours) held by this session already, anything
 * else is an error. A killed process's session ends and the server releases its locks.
 */
import type { JobLock } from '../store.js';
import type { MssqlDriver } from './mssql-driver.js';
import { getAppLockSql, releaseAppLockSql } from './mssql-own-sql.js';

export class AppLocks {
  private readonly held = new Set<string>();
  constructor(private readonly driver: MssqlDriver) {}

  async tryLock(name: string, resource: string): Promise<JobLock | null> {
    if (this.held.has(name)) return null;
    const { rows } = await this.driver.run(getAppLockSql(resource));
    const rc = Number(rows[0]?.rc);
    if (rc === -1 || rc === -100) return null;
    if (rc !== 0 && rc !== 1) throw new Error(`sp_getapplock for ${resource} returned ${rc}`);
    this.held.add(name);
    let released = false;
    return {
      name,
      held: () => !released && this.driver.alive && this.held.has(name),
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(name);
        if (this.driver.alive) await this.driver.run(releaseAppLockSql(resource));
      },
    };
  }
}
