/**
 * Job locks on SQL Server: sp_getapplock with @LockOwner = 'Session' and @LockTimeout = 0 on the
 * store's pinned connection (docs/staging.md). The return code is checked
 * (https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-getapplock-transact-sql):
 * 0/1 granted, -1 held elsewhere, -100 (ours) held by this session already, anything else is an
 * error. A killed process's session ends and the server releases its locks.
 *
 * A lock is proven held twice over: locally, by the events of the connection that took it
 * (SessionWatch, below), and on the server, by `APPLOCK_MODE(…) = 'Exclusive'`, which reports the
 * CURRENT session's lock (learn.microsoft.com/sql/t-sql/functions/applock-mode-transact-sql).
 * The store runs that check as the first statement of each write transaction (`assertHeldIn`),
 * so a write either runs on the session holding every job lock or not at all.
 */
import type { EventEmitter } from 'node:events';
import { LockLostError } from '../lock-lost.js';
import type { JobLock } from '../store.js';
import type { MssqlDriver, MssqlExec } from './mssql-driver.js';
import { appLockModesSql, getAppLockSql, releaseAppLockSql } from './mssql-own-sql.js';

interface Held {
  resource: string;
  session: number;
}

export class AppLocks {
  private readonly held = new Map<string, Held>();
  constructor(
    private readonly driver: MssqlDriver,
    private readonly watch: SessionWatch,
  ) {}

  async tryLock(name: string, resource: string): Promise<JobLock | null> {
    if (this.held.has(name)) return null;
    const { rows } = await this.driver.run(getAppLockSql(resource));
    const rc = Number(rows[0]?.rc);
    if (rc === -1 || rc === -100) return null;
    if (rc !== 0 && rc !== 1) throw new Error(`sp_getapplock for ${resource} returned ${rc}`);
    const entry: Held = { resource, session: this.watch.session() };
    this.held.set(name, entry);
    let released = false;
    const lost = (): string | null => this.watch.lostReason(entry.session);
    return {
      name,
      held: () => !released && lost() === null,
      verify: async () => {
        if (released) throw new LockLostError(name, 'it was released');
        this.assertLocal();
        await this.assertHeldIn(this.driver);
      },
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(name);
        // On a replaced session sp_releaseapplock would only raise error 1223 (not held).
        if (lost() === null) await this.driver.run(releaseAppLockSql(resource));
      },
    };
  }

  /** Connection events only, no I/O. */
  assertLocal(): void {
    for (const [name, h] of this.held) {
      const why = this.watch.lostReason(h.session);
      if (why !== null) throw new LockLostError(name, why);
    }
  }

  /** The server's word, on the session `exec` runs on (inside a write transaction). */
  async assertHeldIn(exec: MssqlExec): Promise<void> {
    if (this.held.size === 0) return;
    const byResource = new Map([...this.held].map(([name, h]) => [h.resource, name]));
    const { rows } = await exec.run(appLockModesSql([...byResource.keys()]));
    for (const [resource, name] of byResource) {
      const mode = rows.find((r) => r.resource === resource)?.mode;
      if (mode !== 'Exclusive') {
        throw new LockLostError(
          name,
          `SQL Server reports lock mode ${String(mode ?? 'none')} for ${resource} on this session: the session that held it ended`,
        );
      }
    }
  }
}

/**
 * Which database session the SQL Server store runs on, and whether it is still alive.
 *
 * A session-owned app lock lives exactly as long as its session. tedious reports a dead socket
 * (ETIMEDOUT, EPIPE, ECONNRESET, a connection that dies while idle) as an `error` with code
 * ESOCKET followed by `end` on its Connection (tedious 19.2.2 `src/connection.ts`
 * `wrapSocketError`, `socketEnd`, `cleanupConnection`); mssql 12.6 only marks such a connection
 * `hasError` and does NOT emit the pool's `error` event (`lib/tedious/connection-pool.js`
 * `_poolCreate`, the `tedious.on('error')` handler). The next acquire then fails
 * `_poolValidate` (`closed || hasError`) and tarn creates a NEW connection: a new session that
 * holds none of our locks, while every request keeps working. So the store listens on every
 * connection mssql creates, through the `beforeConnect` hook mssql calls with each tedious
 * Connection (`_poolCreate`; README "Configuration": `beforeConnect`).
 */
export class SessionWatch {
  private seq = 0;
  private current = 0;
  private readonly ended = new Map<number, string>();
  private conn: (EventEmitter & { close?: () => void }) | null = null;

  /** mssql's `beforeConnect`: called with every tedious Connection the pool creates. */
  readonly attach = (conn: EventEmitter): void => {
    const id = ++this.seq;
    this.current = id;
    this.conn = conn;
    const lost = (why: string): void => {
      if (!this.ended.has(id)) this.ended.set(id, why);
    };
    conn.on('error', (err: Error & { code?: string }) =>
      lost(`the connection failed: ${err.code ? `${err.code} ` : ''}${err.message}`),
    );
    conn.on('end', () => lost('the connection to SQL Server ended'));
  };

  /** The newest connection's session: with a pool of max 1, the one requests run on. */
  session(): number {
    return this.current;
  }

  /**
   * Gives the current session up: a statement on it never came back. tedious's `close()` ends
   * the socket and completes the pending request with ECLOSE (`cleanupConnection`).
   */
  abandon(why: string): void {
    if (!this.ended.has(this.current)) this.ended.set(this.current, why);
    this.conn?.close?.();
  }

  /** Why `session` can no longer hold its locks, or null while it can. */
  lostReason(session: number): string | null {
    const ended = this.ended.get(session);
    if (ended !== undefined) return ended;
    if (session !== this.current) return 'the connection pool replaced the session that held it';
    return null;
  }
}
