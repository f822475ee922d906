/**
 * The embedded side of the PostgreSQL dialect: PGlite in-process, data in `staging.path`.
 * PGlite is one session (docs/staging.md): statements serialise on its mutex, and inside a
 * transaction only `tx.query` may be used (db.query there would wait forever).
 */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { JobLock } from '../store.js';
import type { PgDriver, PgQueryable, PgResult } from './postgres-driver.js';
import { InProcessLocks } from './postgres-lock.js';
import { embeddedDiskFull } from './disk-full.js';
import type { DataDirLock } from './pglite-lock-file.js';
import { tightenTree } from './private-files.js';

/** Parsers giving the store's normalised values (docs/staging.md: int8 would be a number). */
export const pgliteParsers: Record<number, (x: string) => unknown> = {
  20: (x) => x,
  1082: (x) => x,
  114: (x) => x,
  3802: (x) => x,
};

function wrap(db: PGlite | Transaction): PgQueryable {
  return {
    async query(text, params): Promise<PgResult> {
      const res = await db.query<Record<string, unknown>>(text, params ? [...params] : []);
      return { rows: res.rows, rowCount: Math.max(res.affectedRows ?? 0, res.rows.length) };
    },
  };
}

export class PgliteDriver implements PgDriver {
  readonly kind = 'embedded' as const;
  private readonly locks = new InProcessLocks();
  private readonly q: PgQueryable;
  private closed = false;

  constructor(
    private readonly db: PGlite,
    private readonly dirLock: DataDirLock | null,
    /** Files PGlite created during the run are made private at close (private-files.ts). */
    private readonly dataDir?: string,
  ) {
    this.q = wrap(db);
  }

  query(text: string, params?: readonly unknown[]): Promise<PgResult> {
    return this.q.query(text, params).catch((err: unknown) => this.fail(err));
  }

  transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(wrap(tx))).catch((err: unknown) => this.fail(err));
  }

  /** A full disk (disk-full.ts) named as such; anything else as it is. */
  private fail(err: unknown): never {
    throw this.dataDir ? embeddedDiskFull(err, this.dataDir) : err;
  }

  tryLock(name: string): Promise<JobLock | null> {
    return this.locks.tryLock(name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.locks.close();
    try {
      await this.db.close().catch((err: unknown) => this.fail(err));
      if (this.dataDir) tightenTree(this.dataDir);
    } finally {
      this.dirLock?.release();
    }
  }
}
