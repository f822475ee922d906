/**
 * What both dialects' stores do the same way: build a statement with the dialect's pure builders
 * (mssql/mssql-*-sql.ts, postgres/postgres-*-sql.ts: the same names, the same arguments), run it,
 * map the rows with records.ts. A dialect's store (mssql/mssql-store.ts,
 * postgres/postgres-store.ts) supplies the builders and how statements run, and writes the
 * methods whose steps differ: migrate, locks, stage, marking, quarantine, alerts.
 */
import type { RetryBudget, RetryBudgetBox } from './retry.js';
import { planAlert, type AlertPlan } from './alert-plan.js';
import { physicalName, type StoreNames } from './names.js';
import {
  successMap,
  toAlertRecord,
  toBacklogEntry,
  toCursor,
  toInboundError,
  toQuarantineRecord,
  toRejectedRow,
  toRunRecord,
} from './records.js';
import type { TableDef } from './tables.js';
import type * as S from './store.js';
import { fitMessage, normaliseRow } from './values.js';

type Rows = Record<string, unknown>[];
type FoundBy = 'erp_order_number' | 'order_identifier';

/** The read builders both dialects offer; `T` is the dialect's statement. */
export interface ReadSql<T> {
  getCursorSql(names: StoreNames, job: string): T;
  cursorsSql(names: StoreNames): T;
  stagedOrderIdsSql(names: StoreNames, ids: readonly number[]): T | T[];
  lastCustomerHashesSql(names: StoreNames, ids: readonly number[]): T | T[];
  customerCodesSql(names: StoreNames, ids: readonly number[]): T | T[];
  customerIdsForCodesSql(names: StoreNames, codes: readonly string[]): T | T[];
  rejectedRowsSql(names: StoreNames, limit: number): T;
  findStagedOrderSql(names: StoreNames, column: FoundBy, value: string): T;
  pendingInboundSql(
    names: StoreNames,
    table: TableDef,
    opts: { ids?: readonly string[]; afterId?: string; limit: number },
  ): T;
  inboundErrorsSql(names: StoreNames, table: TableDef, limit: number): T;
  dueQuarantineSql(names: StoreNames, job: string, now: Date, limit: number): T;
  openQuarantineSql(names: StoreNames, job: string | null): T;
  startRunSql(names: StoreNames, run: { job: string; command: string; host: string; pid: number }): T;
  finishRunSql(
    names: StoreNames,
    id: string,
    r: { outcome: S.RunOutcome; counts: Record<string, number>; message: string | null },
  ): T;
  lastRunsSql(names: StoreNames): T;
  lastSuccessesSql(names: StoreNames, jobs: readonly string[]): T;
  openAlertsSql(names: StoreNames): T;
  clearAlertSql(names: StoreNames, fingerprint: string, now: Date): T;
  backlogSql(names: StoreNames, extraTables?: readonly TableDef[]): T;
}

/**
 * In one transaction: make the alert's row exist and lock it, then write the record `decide`
 * makes of it (the row as read, undefined when absent); the row as written.
 */
export type LockedAlert = (
  fingerprint: string,
  summary: string,
  now: Date,
  decide: (row: Record<string, unknown> | undefined) => S.AlertRecord,
) => Promise<Record<string, unknown> | undefined>;

export abstract class SqlStore<T> implements S.StagingStore {
  abstract readonly dialect: S.Dialect;

  constructor(
    protected readonly names: StoreNames,
    /** host:port/db or the data directory, for messages. */
    protected readonly where: string,
    private readonly sql: ReadSql<T>,
    /** Where the driver's retries read the run's limits (none: PGlite, which never retries). */
    private readonly budget?: RetryBudgetBox,
  ) {}

  setRetryBudget(budget: RetryBudget | undefined): void {
    if (this.budget) this.budget.current = budget;
  }

  /** Runs the statements outside any job transaction; the rows of all of them. */
  protected abstract rows(stmts: T | T[]): Promise<Rows>;

  abstract migrate(extraTables?: readonly TableDef[]): Promise<S.MigrationReport>;
  abstract schemaVersion(): Promise<{ contractVersion: number; migrations: string[] } | null>;
  abstract assertSchemaCurrent(): Promise<void>;
  abstract tryLock(name: string): Promise<S.JobLock | null>;
  abstract stage(batch: S.StageBatch): Promise<S.StageResult>;
  abstract learnCustomerCodes(): ReturnType<S.StagingStore['learnCustomerCodes']>;
  abstract finishInbound(table: TableDef, updates: readonly S.InboundUpdate[]): Promise<number>;
  abstract quarantine(entries: readonly S.QuarantineEntry[], now: Date): Promise<void>;
  abstract resolveQuarantine(
    job: string,
    entries: readonly { entity: string; entityId: string }[],
  ): Promise<void>;
  protected abstract readonly lockedAlert: LockedAlert;
  abstract query(sql: string, params?: readonly unknown[]): Promise<S.Row[]>;
  abstract close(): Promise<void>;

  tableName(table: TableDef | string): string {
    return `${this.names.schema}.${physicalName(this.names, table)}`;
  }

  async getCursor(job: string): Promise<string | null> {
    const rows = await this.rows(this.sql.getCursorSql(this.names, job));
    return (rows[0]?.cursor_value as string | null | undefined) ?? null;
  }

  async stagedOrderIds(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.rows(this.sql.stagedOrderIdsSql(this.names, ids));
    return new Set(rows.map((r) => Number(r.oro_order_id)));
  }

  async lastCustomerHashes(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.rows(this.sql.lastCustomerHashesSql(this.names, ids));
    return new Map(rows.map((r) => [Number(r.oro_customer_id), String(r.payload_hash)]));
  }

  async customerCodes(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.rows(this.sql.customerCodesSql(this.names, ids));
    return new Map(rows.map((r) => [Number(r.oro_customer_id), String(r.erp_customer_code)]));
  }

  async customerIdsForCodes(codes: readonly string[]): Promise<Map<string, number>> {
    if (codes.length === 0) return new Map();
    const rows = await this.rows(this.sql.customerIdsForCodesSql(this.names, codes));
    return new Map(rows.map((r) => [String(r.code), Number(r.oro_customer_id)]));
  }

  async rejectedRows(limit: number): ReturnType<S.StagingStore['rejectedRows']> {
    return (await this.rows(this.sql.rejectedRowsSql(this.names, limit))).map(toRejectedRow);
  }

  async findStagedOrder(by: { erpOrderNumber?: string; orderIdentifier?: string }): Promise<number | null> {
    const [column, value]: [FoundBy, string] | [null, null] = by.erpOrderNumber
      ? ['erp_order_number', by.erpOrderNumber]
      : by.orderIdentifier
        ? ['order_identifier', by.orderIdentifier]
        : [null, null];
    if (!column) return null;
    const rows = await this.rows(this.sql.findStagedOrderSql(this.names, column, value));
    return rows[0] ? Number(rows[0].oro_order_id) : null;
  }

  async pendingInbound(
    table: TableDef,
    opts: { ids?: readonly string[]; afterId?: string; limit: number },
  ): Promise<S.InboundRow[]> {
    const rows = await this.rows(this.sql.pendingInboundSql(this.names, table, opts));
    return rows.map((r) => normaliseRow(table, r) as S.InboundRow);
  }

  async inboundErrors(
    table: TableDef,
    limit: number,
  ): Promise<{ stagingId: string; message: string | null }[]> {
    return (await this.rows(this.sql.inboundErrorsSql(this.names, table, limit))).map(toInboundError);
  }

  async dueQuarantine(job: string, now: Date, limit: number): Promise<S.QuarantineRecord[]> {
    return (await this.rows(this.sql.dueQuarantineSql(this.names, job, now, limit))).map(toQuarantineRecord);
  }

  async openQuarantine(job?: string): Promise<S.QuarantineRecord[]> {
    return (await this.rows(this.sql.openQuarantineSql(this.names, job ?? null))).map(toQuarantineRecord);
  }

  async startRun(run: { job: string; command: string; host: string; pid: number }): Promise<string> {
    return String((await this.rows(this.sql.startRunSql(this.names, run)))[0]?.staging_id);
  }

  async finishRun(
    id: string,
    result: { outcome: S.RunOutcome; counts: Record<string, number>; message: string | null },
  ): Promise<void> {
    await this.rows(this.sql.finishRunSql(this.names, id, result));
  }

  async lastRuns(): Promise<S.RunRecord[]> {
    return (await this.rows(this.sql.lastRunsSql(this.names))).map(toRunRecord);
  }

  async lastSuccesses(jobs: readonly string[]): Promise<Map<string, Date>> {
    if (jobs.length === 0) return new Map();
    return successMap(await this.rows(this.sql.lastSuccessesSql(this.names, jobs)));
  }

  async noteAlert(
    fingerprint: string,
    summary: string,
    throttleMinutes: number,
    now: Date,
    items?: readonly S.AlertItem[],
  ): Promise<S.AlertDecision> {
    const text = fitMessage(summary, 1000) ?? '';
    let plan: AlertPlan | undefined;
    const written = await this.lockedAlert(fingerprint, text, now, (row) => {
      const prev = toAlertRecord(row ?? {});
      plan = planAlert(prev.occurrences === 0 ? null : prev, {
        fingerprint,
        summary: text,
        throttleMinutes,
        now,
        ...(items ? { items } : {}),
      });
      return plan.next;
    });
    if (!plan) throw new Error('the alert row was not read');
    const { next: _next, ...decision } = plan;
    return { ...decision, record: toAlertRecord(written ?? {}) };
  }

  async openAlerts(): Promise<S.AlertRecord[]> {
    return (await this.rows(this.sql.openAlertsSql(this.names))).map(toAlertRecord);
  }

  async clearAlert(fingerprint: string, now: Date): Promise<boolean> {
    const rows = await this.rows(this.sql.clearAlertSql(this.names, fingerprint, now));
    return rows.length > 0 && rows[0]?.last_sent_at !== null;
  }

  async backlog(extraTables: readonly TableDef[] = []): Promise<S.BacklogEntry[]> {
    return (await this.rows(this.sql.backlogSql(this.names, extraTables))).map(toBacklogEntry);
  }

  async cursors(): Promise<{ job: string; cursor: string | null; updatedAt: Date }[]> {
    return (await this.rows(this.sql.cursorsSql(this.names))).map(toCursor);
  }
}
