/**
 * The SQL Server dialect of the staging store (T-SQL through mssql/tedious; the statements in
 * mssql-*-sql.ts). What both dialects do alike is ../sql-store.ts.
 */
import type { RetryBudgetBox } from '../retry.js';
import { codeFolder, learnCustomerCodes } from '../learn-codes.js';
import { assertCurrent } from '../migrations.js';
import { applockResource, type StoreNames } from '../names.js';
import { dedupeEntries } from '../records.js';
import { SqlStore, type LockedAlert } from '../sql-store.js';
import type * as S from '../store.js';
import type { TableDef } from '../tables.js';
import * as alerts from './mssql-alert-sql.js';
import type { MssqlDriver, MssqlExec } from './mssql-driver.js';
import { AppLocks } from './mssql-lock.js';
import * as own from './mssql-own-sql.js';
import * as read from './mssql-read-sql.js';
import { migrateMssql, readSchemaVersionMssql } from './mssql-schema.js';
import type { MssqlStatement } from './mssql-sql.js';
import { resolveQuarantineStatements } from './mssql-stage-sql.js';
import { stageMssql } from './mssql-stage.js';

export class MssqlStore extends SqlStore<MssqlStatement> {
  readonly dialect = 'mssql' as const;
  private readonly locks: AppLocks;

  constructor(
    private readonly db: MssqlDriver,
    names: StoreNames,
    where: string,
    budget?: RetryBudgetBox,
  ) {
    super(names, where, { ...read, ...own, ...alerts }, budget);
    this.locks = new AppLocks(db, db.watch);
  }

  /**
   * Every write of a job runs here: in one transaction whose first statement proves that this
   * session still holds every job lock the store handed out (mssql-lock.ts). A job whose lock
   * vanished stops before writing anything more (LockLostError, exit 69).
   */
  private write<T>(fn: (tx: MssqlExec) => Promise<T>): Promise<T> {
    this.locks.assertLocal();
    return this.db.transaction(async (tx) => {
      await this.locks.assertHeldIn(tx);
      return fn(tx);
    });
  }

  private async all(
    stmts: MssqlStatement | MssqlStatement[],
    exec: MssqlExec = this.db,
  ): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for (const s of Array.isArray(stmts) ? stmts : [stmts]) rows.push(...(await exec.run(s)).rows);
    return rows;
  }

  protected rows(stmts: MssqlStatement | MssqlStatement[]): Promise<Record<string, unknown>[]> {
    return this.all(stmts);
  }

  migrate(extraTables: readonly TableDef[] = []): Promise<S.MigrationReport> {
    return migrateMssql(this.db, this.names, extraTables);
  }
  schemaVersion(): Promise<{ contractVersion: number; migrations: string[] } | null> {
    return readSchemaVersionMssql(this.db, this.names);
  }
  async assertSchemaCurrent(): Promise<void> {
    assertCurrent(await this.schemaVersion(), `schema [${this.names.schema}] of ${this.where}`);
  }
  tryLock(name: string): Promise<S.JobLock | null> {
    return this.locks.tryLock(name, applockResource(this.names, name));
  }
  stage(batch: S.StageBatch): Promise<S.StageResult> {
    return this.write((tx) => stageMssql(tx, this.names, batch));
  }
  learnCustomerCodes(): ReturnType<S.StagingStore['learnCustomerCodes']> {
    return this.write((tx) =>
      learnCustomerCodes({
        candidates: () => this.all(own.codeCandidatesSql(this.names), tx),
        taken: (codes) => this.all(own.takenCodesSql(this.names, codes), tx),
        fold: async () => {
          const collation = (await tx.run(own.codeCollationSql(this.names))).rows[0]?.collation_name;
          return codeFolder(collation === null || collation === undefined ? null : String(collation));
        },
        upsert: async (rows) => void (await this.all(own.upsertCodesSql(this.names, rows), tx)),
      }),
    );
  }
  async finishInbound(table: TableDef, updates: readonly S.InboundUpdate[]): Promise<number> {
    if (updates.length === 0) return 0;
    return this.write(async (tx) => {
      let n = 0;
      for (const s of read.finishInboundSql(this.names, table, updates))
        n += Number((await tx.run(s)).rows[0]?.changed ?? 0);
      return n;
    });
  }
  async quarantine(entries: readonly S.QuarantineEntry[], now: Date): Promise<void> {
    const stmts = own.quarantineSql(this.names, dedupeEntries(entries), now);
    if (stmts.length > 0) await this.write((tx) => this.all(stmts, tx));
  }
  async resolveQuarantine(
    job: string,
    entries: readonly { entity: string; entityId: string }[],
  ): Promise<void> {
    const stmts = resolveQuarantineStatements(this.names, job, entries);
    if (stmts.length > 0) await this.write((tx) => this.all(stmts, tx));
  }
  // UPDLOCK, HOLDLOCK on the read holds to commit: a second host waits, then sees this decision.
  protected readonly lockedAlert: LockedAlert = (fingerprint, summary, now, decide) =>
    this.db.transaction(async (tx) => {
      const { rows } = await tx.run(alerts.lockAlertSql(this.names, fingerprint, summary, now));
      return (await tx.run(alerts.writeAlertSql(this.names, decide(rows[0])))).rows[0];
    });
  async query(sql: string, params: readonly unknown[] = []): Promise<S.Row[]> {
    return (await this.db.runRaw(sql, params)).rows as S.Row[];
  }
  close(): Promise<void> {
    return this.db.close();
  }
}
