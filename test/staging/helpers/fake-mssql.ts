/**
 * A fake `mssql` module and pool, standing in for SQL Server where the behaviour under test is
 * the driver's and the server's, not the statement text (no SQL Server runs on our machines).
 * It mimics, from the sources of mssql 12.6 and tedious 19.2.2:
 * - a query's result: `{ recordsets, recordset: recordsets[0], output, rowsAffected[] }`
 *   (mssql `lib/base/request.js` `query()`); rowsAffected has one entry per DONE/DONEINPROC
 *   token, a trigger's statements included (`lib/tedious/request.js`: doneInProc and done
 *   handlers push `rowCount`);
 * - a server error: RequestError code EREQUEST with `.number` (`lib/tedious/request.js`
 *   `handleError`);
 * - a dead socket: tedious emits `error` (ConnectionError ESOCKET "Connection lost - …") then
 *   `end` on the Connection; mssql only sets `hasError` (no pool `error` event), and the next
 *   acquire creates a NEW connection, through `beforeConnect`, with a new session
 *   (`lib/tedious/connection-pool.js` `_poolCreate`/`_poolValidate`);
 * - a request timeout: RequestError code ETIMEOUT, the connection stays usable (tedious
 *   `requestTimeout` + attention).
 * The "server" is a function the test writes; `appLockServer` plays sp_getapplock per session.
 */
import { EventEmitter } from 'node:events';
import type mssql from 'mssql';

export interface FakeCall {
  text: string;
  params: Record<string, unknown>;
  session: number;
  inTransaction: boolean;
}

interface FakeAnswer {
  recordsets?: Record<string, unknown>[][];
  rowsAffected?: number[];
}

export type FakeServer = (call: FakeCall) => FakeAnswer | Promise<FakeAnswer>;

export function sqlError(number: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'RequestError', code: 'EREQUEST', number });
}

export function timeoutError(ms = 60_000): Error {
  return Object.assign(new Error(`Timeout: Request failed to complete in ${ms}ms`), {
    name: 'RequestError',
    code: 'ETIMEOUT',
  });
}

export class FakePool extends EventEmitter {
  session = 0;
  private conn: EventEmitter | null = null;
  private broken = true;
  readonly calls: FakeCall[] = [];

  constructor(
    private readonly server: FakeServer,
    private readonly opts: {
      beforeConnect?: (conn: EventEmitter) => void;
      /** The server ends the session: its session-owned locks are released. */
      onSessionEnd?: (session: number) => void;
      /** Session numbers of this pool start after it (two pools = two hosts). */
      sessionBase?: number;
    } = {},
  ) {
    super();
    this.session = opts.sessionBase ?? 0;
    this.acquire();
  }

  /** mssql's acquire: a connection that failed validation is replaced by a new session. */
  acquire(): number {
    if (this.broken) {
      this.conn = new EventEmitter();
      this.session += 1;
      this.broken = false;
      this.opts.beforeConnect?.(this.conn);
    }
    return this.session;
  }

  /** The socket dies (ETIMEDOUT while idle, say): tedious's events, no pool `error`. */
  dropConnection(code = 'ETIMEDOUT'): void {
    const conn = this.conn;
    this.broken = true;
    if (!conn) return;
    const err = Object.assign(new Error(`Connection lost - connect ${code}`), {
      name: 'ConnectionError',
      code: 'ESOCKET',
    });
    conn.emit('error', err);
    conn.emit('end');
    this.opts.onSessionEnd?.(this.session);
  }

  async exec(text: string, params: Record<string, unknown>, session: number, inTx: boolean) {
    if (session !== this.session || this.broken) {
      throw Object.assign(new Error('Connection is closed.'), {
        name: 'ConnectionError',
        code: 'ECONNCLOSED',
      });
    }
    const call = { text, params, session, inTransaction: inTx };
    this.calls.push(call);
    const a = await this.server(call);
    const recordsets = a.recordsets ?? [];
    return { recordsets, recordset: recordsets[0], output: {}, rowsAffected: a.rowsAffected ?? [] };
  }

  async close(): Promise<void> {
    this.conn?.emit('end');
    this.conn = null;
  }
}

/** The subset of the `mssql` module the driver uses, bound to one fake pool. */
export function fakeMssql(): typeof mssql {
  const type = (name: string) => Object.assign(() => ({ type: name }), { type: name });
  class Transaction {
    session = 0;
    open = false;
    constructor(readonly pool: FakePool) {}
    async begin() {
      this.session = this.pool.acquire();
      this.open = true;
    }
    async commit() {
      if (this.session !== this.pool.session) throw Object.assign(new Error('aborted'), { code: 'EABORT' });
      this.open = false;
    }
    async rollback() {
      this.open = false;
    }
  }
  class Request {
    private readonly params: Record<string, unknown> = {};
    constructor(private readonly target: FakePool | Transaction) {}
    input(name: string, _type: unknown, value?: unknown) {
      this.params[name] = arguments.length === 2 ? _type : value;
      return this;
    }
    query(text: string) {
      if (this.target instanceof Transaction) {
        return this.target.pool.exec(text, this.params, this.target.session, true);
      }
      const pool = this.target;
      return pool.exec(text, this.params, pool.acquire(), false);
    }
  }
  return {
    Request,
    Transaction,
    Int: type('Int'),
    Bit: type('Bit'),
    MAX: -1,
    DateTime2: (s: number) => ({ type: `DateTime2(${s})` }),
    NVarChar: (n: number) => ({ type: `NVarChar(${n})` }),
    VarChar: (n: number) => ({ type: `VarChar(${n})` }),
  } as unknown as typeof mssql;
}

/**
 * sp_getapplock/APPLOCK_MODE per session, as SQL Server keeps them: a session-owned lock lives
 * and dies with its session (learn.microsoft.com/sql sp_getapplock "Remarks"). Statements it
 * does not know go to `rest`.
 */
export class FakeLockTable {
  readonly locks = new Map<string, number>();
  /** What SQL Server does when a session logs out: its session-owned locks go. */
  readonly endSession = (session: number): void => {
    for (const [r, s] of this.locks) if (s === session) this.locks.delete(r);
  };
}

export function appLockServer(rest: FakeServer, table = new FakeLockTable()): FakeServer {
  const locks = table.locks;
  return (call) => {
    const resource = String(call.params.p1 ?? '');
    if (call.text.includes('EXEC @rc = sp_getapplock') && call.text.includes("N'Session'")) {
      const holder = locks.get(resource);
      const rc = holder === undefined || holder === call.session ? 0 : -1;
      if (rc === 0) locks.set(resource, call.session);
      return { recordsets: [[{ rc }]] };
    }
    if (call.text.includes('sp_releaseapplock')) {
      if (locks.get(resource) === call.session) locks.delete(resource);
      return { recordsets: [[{ rc: 0 }]] };
    }
    if (call.text.includes("APPLOCK_MODE(N'public', v.[resource]")) {
      const resources = Object.values(call.params).map(String);
      return {
        recordsets: [
          resources.map((r) => ({
            resource: r,
            mode: locks.get(r) === call.session ? 'Exclusive' : 'NoLock',
          })),
        ],
      };
    }
    return rest(call);
  };
}
