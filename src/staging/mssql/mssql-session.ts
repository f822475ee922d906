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
import type { EventEmitter } from 'node:events';

export class SessionWatch {
  private seq = 0;
  private current = 0;
  private readonly ended = new Map<number, string>();

  /** mssql's `beforeConnect`: called with every tedious Connection the pool creates. */
  readonly attach = (conn: EventEmitter): void => {
    const id = ++this.seq;
    this.current = id;
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

  /** Why `session` can no longer hold its locks, or null while it can. */
  lostReason(session: number): string | null {
    const ended = this.ended.get(session);
    if (ended !== undefined) return ended;
    if (session !== this.current) return 'the connection pool replaced the session that held it';
    return null;
  }
}
