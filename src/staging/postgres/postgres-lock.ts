/**
 * Job locks of the PostgreSQL dialect.
 *
 * Server: `pg_try_advisory_lock(int, int)` on ONE dedicated pg.Client, never a pooled one (docs/staging.md:
 * a pool may close an idle client and silently drop the lock). Session advisory locks
 * are re-entrant, so this process also remembers which names it holds and refuses a second
 * acquisition itself. When the client errors or ends, every lock reports `held() === false`.
 *
 * Embedded: PGlite has one session, where advisory locks always succeed (docs/staging.md); the data
 * directory is already exclusive to this process (pglite-lock-file.ts), so an in-process map is
 * the whole story.
 */
import type pg from 'pg';
import { LockLostError } from '../lock-lost.js';
import type { JobLock } from '../store.js';
import { holdsLockSql, tryLockSql, unlockSql } from './postgres-own-sql.js';

export class AdvisoryLocks {
  private client: pg.Client | null = null;
  private alive = false;
  private readonly held = new Map<string, [number, number]>();

  constructor(private readonly connect: () => Promise<pg.Client>) {}

  private async session(): Promise<pg.Client> {
    if (this.client && this.alive) return this.client;
    this.held.clear();
    const client = await this.connect();
    this.alive = true;
    const lost = (): void => {
      if (this.client === client) {
        this.alive = false;
        this.held.clear();
      }
    };
    client.on('error', lost);
    client.on('end', lost);
    this.client = client;
    return client;
  }

  async tryLock(name: string, key: readonly [number, number]): Promise<JobLock | null> {
    if (this.held.has(name) && this.alive) return null;
    const client = await this.session();
    const lock = tryLockSql(key);
    const { rows } = await client.query<{ ok: boolean }>(lock.text, lock.params);
    if (!rows[0]?.ok) return null;
    this.held.set(name, [key[0], key[1]]);
    let released = false;
    const held = (): boolean => !released && this.alive && this.client === client && this.held.has(name);
    return {
      name,
      held,
      verify: async () => {
        if (!held()) throw new LockLostError(name, 'the connection that held it ended');
        let ok = false;
        try {
          const holds = holdsLockSql(key);
          const { rows: r } = await client.query<{ ok: boolean }>(holds.text, holds.params);
          ok = r[0]?.ok === true;
        } catch (cause) {
          throw new LockLostError(name, `the connection that held it failed: ${(cause as Error).message}`, {
            cause,
          });
        }
        if (!ok) throw new LockLostError(name, 'PostgreSQL reports that its session no longer holds it');
      },
      release: async () => {
        if (released) return;
        released = true;
        if (!this.alive || this.client !== client || !this.held.has(name)) return;
        this.held.delete(name);
        // A session that died meanwhile took the lock with it: nothing is left to release.
        const unlock = unlockSql(key);
        await client.query(unlock.text, unlock.params).catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.alive = false;
    this.held.clear();
    if (client) await client.end().catch(() => undefined);
  }
}

export class InProcessLocks {
  private readonly held = new Set<string>();
  private closed = false;

  async tryLock(name: string): Promise<JobLock | null> {
    if (this.held.has(name) || this.closed) return null;
    this.held.add(name);
    let released = false;
    const held = (): boolean => !released && !this.closed;
    return {
      name,
      held,
      verify: async () => {
        if (!held()) throw new LockLostError(name, 'the embedded database was closed');
      },
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(name);
      },
    };
  }

  close(): void {
    this.closed = true;
    this.held.clear();
  }
}
