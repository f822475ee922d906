/**
 * The PostgreSQL dialect of the staging store, shared by `pg` (a server) and PGlite (embedded):
 * the SQL is the same (postgres-*-sql.ts), the driver seam (postgres-driver.ts) differs. What both
 * dialects do alike is ../sql-store.ts.
 */
import type { RetryBudgetBox } from '../retry.js';
import { learnCustomerCodes } from '../learn-codes.js';
import { HeldLocks } from '../lock-lost.js';
import { assertCurrent } from '../migrations.js';
import { advisoryKey, type StoreNames } from '../names.js';
import { dedupeEntries } from '../records.js';
import { SqlStore, type LockedAlert } from '../sql-store.js';
import type * as S from '../store.js';
import type { TableDef } from '../tables.js';
import * as alerts from './postgres-alert-sql.js';
import { run, type PgDriver } from './postgres-driver.js';
import * as own from './postgres-own-sql.js';
import * as read from './postgres-read-sql.js';
import { migratePostgres, readSchemaVersion } from './postgres-schema.js';
import type { PgStatement } from './postgres-sql.js';
import { oneStatement } from './postgres-stage-one.js';
import { resolveQuarantineStatement } from './postgres-stage-sql.js';
import { stagePostgres } from './postgres-stage.js';

export class PostgresStore extends SqlStore<PgStatement> {
  readonly dialect: 'postgres' | 'embedded';
  /**
   * The job locks handed out: each write first asks the lock session whether it still holds
   * them (postgres-lock.ts). The lock lives on its own connection, so this is a check just before
   * the write, not inside its transaction as on SQL Server; a session lost in between is caught
   * by the next write.
   */
  private readonly locks = new HeldLocks();
  constructor(
    private readonly db: PgDriver,
    names: StoreNames,
    where: string,
    budget?: RetryBudgetBox,
  ) {
    super(names, where, { ...read, ...own, ...alerts }, budget);
    this.dialect = db.kind;
  }

  protected async rows(stmts: PgStatement | PgStatement[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const s of Array.isArray(stmts) ? stmts : [stmts]) out.push(...(await run(this.db, s)).rows);
    return out;
  }

  migrate(extraTables: readonly TableDef[] = []): Promise<S.MigrationReport> {
    return migratePostgres(this.db, this.names, extraTables);
  }

  schemaVersion(): Promise<{ contractVersion: number; migrations: string[] } | null> {
    return readSchemaVersion(this.db, this.names);
  }

  async assertSchemaCurrent(): Promise<void> {
    assertCurrent(await this.schemaVersion(), `schema "${this.names.schema}" of ${this.where}`);
  }

  tryLock(name: string): Promise<S.JobLock | null> {
    return this.db.tryLock(name, advisoryKey(this.names, name)).then((l) => this.locks.track(l));
  }

  async stage(batch: S.StageBatch): Promise<S.StageResult> {
    await this.locks.verifyAll();
    // One statement (one round trip, atomic by itself) when the writes go to distinct tables.
    const one = oneStatement(this.names, batch);
    if (one) {
      const { rows } = await this.db.query(one.text, one.params, one.name);
      return one.result(rows[0] ?? {});
    }
    return this.db.transaction((tx) => stagePostgres(tx, this.names, batch));
  }

  async learnCustomerCodes(): ReturnType<S.StagingStore['learnCustomerCodes']> {
    await this.locks.verifyAll();
    return this.db.transaction((tx) =>
      learnCustomerCodes({
        candidates: async () => (await run(tx, own.codeCandidatesSql(this.names))).rows,
        taken: async (codes) => (await run(tx, own.takenCodesSql(this.names, codes))).rows,
        // PostgreSQL compares codes exactly (the default deterministic collation).
        fold: async () => (code) => code,
        upsert: async (rows) => void (await run(tx, own.upsertCodesSql(this.names, rows))),
      }),
    );
  }

  async finishInbound(table: TableDef, all: readonly S.InboundUpdate[]): Promise<number> {
    if (all.length === 0) return 0;
    await this.locks.verifyAll();
    let changed = 0;
    for (const s of read.finishInboundSql(this.names, table, all))
      changed += (await run(this.db, s)).rowCount ?? 0;
    return changed;
  }

  async quarantine(entries: readonly S.QuarantineEntry[], now: Date): Promise<void> {
    await this.locks.verifyAll();
    const list = dedupeEntries(entries);
    if (list.length > 0) await run(this.db, own.quarantineSql(this.names, list, now));
  }

  async resolveQuarantine(
    job: string,
    entries: readonly { entity: string; entityId: string }[],
  ): Promise<void> {
    await this.locks.verifyAll();
    if (entries.length > 0) await run(this.db, resolveQuarantineStatement(this.names, job, entries));
  }

  protected readonly lockedAlert: LockedAlert = (fingerprint, summary, now, decide) =>
    this.db.transaction(async (tx) => {
      // Make sure the row exists, then lock it: concurrent hosts serialise on the row lock.
      let row: Record<string, unknown> | undefined;
      for (const s of alerts.lockAlertSql(this.names, fingerprint, summary, now))
        row = (await run(tx, s)).rows[0];
      return (await run(tx, alerts.writeAlertSql(this.names, decide(row)))).rows[0];
    });

  async query(sql: string, params: readonly unknown[] = []): Promise<S.Row[]> {
    const { rows } = await this.db.query(sql, params);
    return rows as S.Row[];
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
