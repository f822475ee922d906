/**
 * Job locks of the PostgreSQL dialect.
 *
 * Server: `pg_try_advisory_lock(int, int)` on ONE dedicated pg.Client, never a pooled one (fact
 * sheet B.1: a pool may close an idle client and silently drop the lock). Session advisory locks
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

/**
 * Is this session's advisory lock on (key1, key2) granted? A two-int advisory lock shows in
 * pg_locks as classid = key1, objid = key2, objsubid = 2, the keys as oids
 * (postgresql.org/docs/current/view-pg-locks.html).
 */
const HOLDS_SQL = `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
  AND pid = pg_backend_pid() AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2) AS ok`;

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
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1::int, $2::int) AS ok',
      [key[0], key[1]],
    );
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
          const { rows: r } = await client.query<{ ok: boolean }>(HOLDS_SQL, [key[0] >>> 0, key[1] >>> 0]);
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
        await client
          .query('SELECT pg_advisory_unlock($1::int, $2::int)', [key[0], key[1]])
          .catch(() => undefined);
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
