/** The SQL Server dialect of the staging store (T-SQL through mssql/tedious). */
import { codeFolder, planCustomerCodes, type CodeCandidate } from '../learn-codes.js';
import { assertCurrent } from '../migrations.js';
import { applockResource, physicalName, type StoreNames } from '../names.js';
import { dedupeEntries, successMap, toAlertRecord, toQuarantineRecord, toRunRecord } from '../records.js';
import type {
  AlertDecision,
  AlertItem,
  AlertRecord,
  BacklogEntry,
  InboundRow,
  InboundUpdate,
  JobLock,
  MigrationReport,
  QuarantineEntry,
  QuarantineRecord,
  Row,
  RunOutcome,
  RunRecord,
  StageBatch,
  StageResult,
  StagingStore,
} from '../store.js';
import type { TableDef } from '../tables.js';
import { fitMessage, normaliseRow } from '../values.js';
import { planAlert } from '../alert-plan.js';
import type { MssqlDriver, MssqlExec } from './mssql-driver.js';
import { AppLocks } from './mssql-lock.js';
import * as alerts from './mssql-alert-sql.js';
import * as own from './mssql-own-sql.js';
import * as read from './mssql-read-sql.js';
import { migrateMssql, readSchemaVersionMssql } from './mssql-schema.js';
import type { MssqlStatement } from './mssql-sql.js';
import { stageMssql } from './mssql-stage.js';
import { resolveQuarantineStatements } from './mssql-stage-sql.js';

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

export class MssqlStore implements StagingStore {
  readonly dialect = 'mssql' as const;
  private readonly locks: AppLocks;

  constructor(
    private readonly db: MssqlDriver,
    private readonly names: StoreNames,
    private readonly where: string,
  ) {
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

  private async all(stmts: MssqlStatement[], exec: MssqlExec = this.db): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for (const s of stmts) rows.push(...(await exec.run(s)).rows);
    return rows;
  }

  tableName(table: TableDef | string): string {
    return `${this.names.schema}.${physicalName(this.names, table)}`;
  }
  migrate(extraTables: readonly TableDef[] = []): Promise<MigrationReport> {
    return migrateMssql(this.db, this.names, extraTables);
  }
  schemaVersion(): Promise<{ contractVersion: number; migrations: string[] } | null> {
    return readSchemaVersionMssql(this.db, this.names);
  }
  async assertSchemaCurrent(): Promise<void> {
    assertCurrent(await this.schemaVersion(), `schema [${this.names.schema}] of ${this.where}`);
  }
  tryLock(name: string): Promise<JobLock | null> {
    return this.locks.tryLock(name, applockResource(this.names, name));
  }
  async getCursor(job: string): Promise<string | null> {
    const { rows } = await this.db.run(read.getCursorSql(this.names, job));
    return (rows[0]?.cursor_value as string | null | undefined) ?? null;
  }
  stage(batch: StageBatch): Promise<StageResult> {
    return this.write((tx) => stageMssql(tx, this.names, batch));
  }
  async stagedOrderIds(ids: readonly number[]): Promise<Set<number>> {
    return new Set(
      (await this.all(read.stagedOrderIdsSql(this.names, ids))).map((r) => Number(r.oro_order_id)),
    );
  }
  async lastCustomerHashes(ids: readonly number[]): Promise<Map<number, string>> {
    const rows = await this.all(read.lastCustomerHashesSql(this.names, ids));
    return new Map(rows.map((r) => [Number(r.oro_customer_id), String(r.payload_hash)]));
  }
  async customerCodes(ids: readonly number[]): Promise<Map<number, string>> {
    const rows = await this.all(read.customerCodesSql(this.names, ids));
    return new Map(rows.map((r) => [Number(r.oro_customer_id), String(r.erp_customer_code)]));
  }
  async customerIdForCode(code: string): Promise<number | null> {
    const { rows } = await this.db.run(read.customerIdForCodeSql(this.names, code));
    return rows[0] ? Number(rows[0].oro_customer_id) : null;
  }
  learnCustomerCodes(): ReturnType<StagingStore['learnCustomerCodes']> {
    return this.write(async (tx) => {
      const candidates: CodeCandidate[] = (await tx.run(own.codeCandidatesSql(this.names))).rows.map((r) => ({
        oroCustomerId: Number(r.oro_customer_id),
        code: String(r.erp_customer_code).trim(),
        stagingId: String(r.staging_id),
      }));
      if (candidates.length === 0) return { learnt: [], conflicts: [] };
      const taken = await this.all(
        own.takenCodesSql(this.names, [...new Set(candidates.map((c) => c.code))]),
        tx,
      );
      const collation = (await tx.run(own.codeCollationSql(this.names))).rows[0]?.collation_name;
      const plan = planCustomerCodes(
        candidates,
        new Map(taken.map((r) => [String(r.erp_customer_code), Number(r.oro_customer_id)])),
        codeFolder(collation === null || collation === undefined ? null : String(collation)),
      );
      const rows = plan.learnt.map((l, i) => ({ ...l, stagingId: plan.learntFrom[i] ?? '0' }));
      await this.all(own.upsertCodesSql(this.names, rows), tx);
      return { learnt: plan.learnt, conflicts: plan.conflicts };
    });
  }
  async rejectedRows(limit: number): ReturnType<StagingStore['rejectedRows']> {
    const { rows } = await this.db.run(read.rejectedRowsSql(this.names, limit));
    return rows.map((r) => ({
      table: String(r.tbl),
      stagingId: String(r.staging_id),
      key: String(r.key),
      message: (r.erp_message ?? null) as string | null,
    }));
  }
  async findStagedOrder(by: { erpOrderNumber?: string; orderIdentifier?: string }): Promise<number | null> {
    const stmt = by.erpOrderNumber
      ? read.findStagedOrderSql(this.names, 'erp_order_number', by.erpOrderNumber)
      : by.orderIdentifier
        ? read.findStagedOrderSql(this.names, 'order_identifier', by.orderIdentifier)
        : null;
    if (!stmt) return null;
    const { rows } = await this.db.run(stmt);
    return rows[0] ? Number(rows[0].oro_order_id) : null;
  }
  async pendingInbound(
    table: TableDef,
    opts: { ids?: readonly string[]; afterId?: string; limit: number },
  ): Promise<InboundRow[]> {
    const { rows } = await this.db.run(read.pendingInboundSql(this.names, table, opts));
    return rows.map((r) => normaliseRow(table, r) as InboundRow);
  }
  async finishInbound(table: TableDef, updates: readonly InboundUpdate[]): Promise<number> {
    if (updates.length === 0) return 0;
    return this.write(async (tx) => {
      let n = 0;
      for (const s of read.finishInboundSql(this.names, table, updates))
        n += Number((await tx.run(s)).rows[0]?.changed ?? 0);
      return n;
    });
  }
  async quarantine(entries: readonly QuarantineEntry[], now: Date): Promise<void> {
    const stmts = own.quarantineSql(this.names, dedupeEntries(entries), now);
    if (stmts.length > 0) await this.write((tx) => this.all(stmts, tx));
  }
  async dueQuarantine(job: string, now: Date, limit: number): Promise<QuarantineRecord[]> {
    return (await this.db.run(own.dueQuarantineSql(this.names, job, now, limit))).rows.map(
      toQuarantineRecord,
    );
  }
  async openQuarantine(job?: string): Promise<QuarantineRecord[]> {
    return (await this.db.run(own.openQuarantineSql(this.names, job ?? null))).rows.map(toQuarantineRecord);
  }
  async resolveQuarantine(
    job: string,
    entries: readonly { entity: string; entityId: string }[],
  ): Promise<void> {
    const stmts = resolveQuarantineStatements(this.names, job, entries);
    if (stmts.length > 0) await this.write((tx) => this.all(stmts, tx));
  }
  async startRun(run: { job: string; command: string; host: string; pid: number }): Promise<string> {
    return String((await this.db.run(own.startRunSql(this.names, run))).rows[0]?.staging_id);
  }
  async finishRun(
    id: string,
    r: { outcome: RunOutcome; counts: Record<string, number>; message: string | null },
  ): Promise<void> {
    await this.db.run(own.finishRunSql(this.names, id, r));
  }
  async lastRuns(): Promise<RunRecord[]> {
    return (await this.db.run(own.lastRunsSql(this.names))).rows.map(toRunRecord);
  }
  async lastSuccesses(jobs: readonly string[]): Promise<Map<string, Date>> {
    if (jobs.length === 0) return new Map();
    return successMap((await this.db.run(alerts.lastSuccessesSql(this.names, jobs))).rows);
  }
  async noteAlert(
    fingerprint: string,
    summary: string,
    throttleMinutes: number,
    now: Date,
    items?: readonly AlertItem[],
  ): Promise<AlertDecision> {
    const text = fitMessage(summary, 1000) ?? '';
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.run(alerts.lockAlertSql(this.names, fingerprint, text, now));
      const prev = toAlertRecord(rows[0] ?? {});
      const plan = planAlert(prev.occurrences === 0 ? null : prev, {
        fingerprint,
        summary: text,
        throttleMinutes,
        now,
        ...(items ? { items } : {}),
      });
      const written = await tx.run(alerts.writeAlertSql(this.names, plan.next));
      const { next: _next, ...decision } = plan;
      return { ...decision, record: toAlertRecord(written.rows[0] ?? {}) };
    });
  }
  async inboundErrors(
    table: TableDef,
    limit: number,
  ): Promise<{ stagingId: string; message: string | null }[]> {
    const { rows } = await this.db.run(alerts.inboundErrorsSql(this.names, table, limit));
    return rows.map((r) => ({
      stagingId: String(r.staging_id),
      message: (r.sync_message ?? null) as string | null,
    }));
  }
  async openAlerts(): Promise<AlertRecord[]> {
    return (await this.db.run(own.openAlertsSql(this.names))).rows.map(toAlertRecord);
  }
  async clearAlert(fingerprint: string, now: Date): Promise<boolean> {
    const { rows } = await this.db.run(own.clearAlertSql(this.names, fingerprint, now));
    return rows.length > 0 && rows[0]?.last_sent_at !== null;
  }
  async backlog(extraTables: readonly TableDef[] = []): Promise<BacklogEntry[]> {
    const { rows } = await this.db.run(read.backlogSql(this.names, extraTables));
    return rows.map((r) => ({
      table: String(r.tbl),
      status: String(r.status),
      count: Number(r.n),
      oldest: r.oldest === null ? null : asDate(r.oldest),
    }));
  }
  async cursors(): Promise<{ job: string; cursor: string | null; updatedAt: Date }[]> {
    const { rows } = await this.db.run(read.cursorsSql(this.names));
    return rows.map((r) => ({
      job: String(r.job),
      cursor: (r.cursor_value ?? null) as string | null,
      updatedAt: asDate(r.updated_at),
    }));
  }
  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.db.runRaw(sql, params)).rows as Row[];
  }
  close(): Promise<void> {
    return this.db.close();
  }
}
