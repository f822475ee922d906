/**
 * What the jobs need from the staging database, whatever the dialect. Implementations live in
 * src/staging/postgres/ (pg and PGlite) and src/staging/mssql/. Values cross this boundary
 * normalised: ids of identity columns and money/quantities as strings, timestamps as Date,
 * dates as `YYYY-MM-DD` strings, JSON columns as JSON text.
 */
import type { RetryBudget } from './retry.js';
import type { TableDef } from './tables.js';

export type Dialect = 'mssql' | 'postgres' | 'embedded';
type RowStatus = 'NEW' | 'PROCESSING' | 'DONE' | 'ERROR';
export type Row = Record<string, string | number | boolean | Date | null>;

/** Rows for one table, inserted with "already there ⇒ skip" semantics on `conflictColumns`. */
export interface TableWrite {
  table: TableDef;
  rows: Row[];
  /** A unique key of the table; a row whose key exists is skipped, not an error. */
  conflictColumns: string[];
  /**
   * Child rows that need the parent's identity (order lines need `order_staging_id`).
   * For each parent row actually inserted, its children are inserted with `foreignKey`
   * set to the new identity. Children of a skipped parent are skipped too (the parent was
   * committed with all of its children earlier).
   */
  children?: {
    table: TableDef;
    foreignKey: string;
    /** Column of the parent row that identifies it (e.g. `oro_order_id`). */
    parentKey: string;
    rowsByParent: Map<string | number, Row[]>;
    conflictColumns: string[];
  };
}

export interface StageBatch {
  /** Job name, e.g. `push-orders`; the cursor row key in `sagesync_state`. */
  job: string;
  /** Written in this order, in one transaction with the cursor. */
  writes: TableWrite[];
  /** New cursor value; undefined leaves the cursor unchanged. */
  cursor?: string;
  /** Quarantine entries of this job resolved by this batch (entity, entity id). */
  resolved?: { entity: string; entityId: string }[];
}

export interface StageResult {
  /** Per write, the number of rows inserted and skipped (children not counted). */
  writes: { table: string; inserted: number; skipped: number; childrenInserted: number }[];
}

export interface InboundRow extends Row {
  staging_id: string;
  status: RowStatus;
}

export interface InboundUpdate {
  stagingId: string;
  status: 'DONE' | 'ERROR';
  message: string | null;
  /**
   * The columns the decision was made from, with their values as read (pendingInbound's
   * normalised values). The row is marked only while it still holds them: a row X3 changed
   * after it was read stays NEW and is decided again by the next run.
   */
  expect?: Row;
}

export interface QuarantineEntry {
  job: string;
  entity: string;
  entityId: string;
  error: string;
}

export interface QuarantineRecord extends QuarantineEntry {
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  nextAttemptAt: Date;
}

export type RunOutcome = 'ok' | 'records-failed' | 'skipped-locked' | 'failed';

export interface RunRecord {
  id: string;
  job: string;
  command: string;
  host: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: RunOutcome | null;
  counts: Record<string, number> | null;
  message: string | null;
}

export interface AlertRecord {
  fingerprint: string;
  summary: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  occurrences: number;
  lastSentAt: Date | null;
  clearedAt: Date | null;
  /** What has been e-mailed of the problem's records, and what joined since (src/staging/alert-plan.ts). */
  digest: AlertDigest;
}

/** One record of a problem (a row in ERROR, a quarantined record): a stable key and one line. */
export interface AlertItem {
  key: string;
  text: string;
}

export interface PendingAlertItem extends AlertItem {
  /** ISO time the record joined the problem. */
  seenAt: string;
}

export interface AlertDigest {
  /** Keys of records already named in an e-mail. */
  reported: string[];
  /** Records that joined the open problem since its last e-mail. */
  pending: PendingAlertItem[];
  /** Records that joined beyond the pending list's cap: counted only. */
  dropped: number;
}

export interface AlertDecision {
  send: boolean;
  /** The problem's first e-mail since it (re)started; otherwise a digest or a reminder. */
  first: boolean;
  /** The records to name in this e-mail. */
  listed: PendingAlertItem[];
  dropped: number;
  record: AlertRecord;
}

export interface JobLock {
  readonly name: string;
  /** False once the session holding the lock is known to have ended (connection events; no I/O). */
  held(): boolean;
  /**
   * Asks the server whether this session still holds the lock; throws LockLostError (exit 69)
   * when it does not. Jobs call it before each write outside the store (a PATCH to Oro); the
   * store's own writes check every lock it handed out.
   */
  verify(): Promise<void>;
  release(): Promise<void>;
}

export interface MigrationReport {
  applied: string[];
  alreadyCurrent: boolean;
  contractVersion: number;
}

export interface BacklogEntry {
  table: string;
  status: string;
  count: number;
  oldest: Date | null;
}

export interface StagingStore {
  readonly dialect: Dialect;
  /** Qualified, prefixed name of a table (for messages and ad-hoc SQL). */
  tableName(table: TableDef | string): string;

  // --- schema -------------------------------------------------------------
  /** Creates or upgrades the contract tables (and `extraTables`); safe to run concurrently. */
  migrate(extraTables?: readonly TableDef[]): Promise<MigrationReport>;
  /** Applied migrations, or null when the schema does not exist. */
  schemaVersion(): Promise<{ contractVersion: number; migrations: string[] } | null>;
  /** Throws SchemaVersionError (exit 69) naming `sagesync migrate` when not current. */
  assertSchemaCurrent(): Promise<void>;

  /**
   * The limits of the run this store works for: a refused statement or transaction is not
   * retried once `stop` is aborted or when the retry would start on or past `at` (retry.ts).
   */
  setRetryBudget?(budget: RetryBudget | undefined): void;

  // --- locks and state ------------------------------------------------------
  /** Non-blocking: null when another session holds it. Held on a database session. */
  tryLock(name: string): Promise<JobLock | null>;
  getCursor(job: string): Promise<string | null>;
  /** All writes and the cursor in one transaction: all or nothing. */
  stage(batch: StageBatch): Promise<StageResult>;

  // --- direction 1 lookups --------------------------------------------------
  /** oro_order_id values already in the order table. */
  stagedOrderIds(oroOrderIds: readonly number[]): Promise<Set<number>>;
  /** Latest staged payload_hash per customer. */
  lastCustomerHashes(oroCustomerIds: readonly number[]): Promise<Map<number, string>>;
  /** Known X3 codes from the customer map. */
  customerCodes(oroCustomerIds: readonly number[]): Promise<Map<number, string>>;
  /**
   * oro_customer_id per X3 code, from the customer map, keyed by the code as asked: the database
   * compares, under the column's collation (on SQL Server usually case-insensitive), so `bp1`
   * finds the customer mapped to `BP1` there and not on PostgreSQL. Codes not mapped are absent.
   */
  customerIdsForCodes(erpCustomerCodes: readonly string[]): Promise<Map<string, number>>;
  /**
   * Fills the customer map from customer rows X3 marked DONE with a code. A code already
   * mapped to another customer is returned as a conflict and not written.
   */
  learnCustomerCodes(): Promise<{
    learnt: { oroCustomerId: number; code: string }[];
    conflicts: { code: string; oroCustomerIds: number[]; stagingId: string }[];
  }>;
  /** Direction-1 rows X3 set to ERROR (with erp_message). */
  rejectedRows(
    limit: number,
  ): Promise<{ table: string; stagingId: string; key: string; message: string | null }[]>;
  /** oro_order_id of a staged order by X3 order number or by Oro identifier. */
  findStagedOrder(by: { erpOrderNumber?: string; orderIdentifier?: string }): Promise<number | null>;

  // --- direction 2 ------------------------------------------------------------
  /** NEW rows in staging_id order; `ids` restricts to those staging ids. */
  pendingInbound(
    table: TableDef,
    opts: { ids?: readonly string[]; afterId?: string; limit: number },
  ): Promise<InboundRow[]>;
  /** The newest rows of a direction-2 table in ERROR (set by sagesync), with their reason. */
  inboundErrors(table: TableDef, limit: number): Promise<{ stagingId: string; message: string | null }[]>;
  /**
   * Sets status/sync_message/processed_at, only on rows still NEW (and still holding `expect`,
   * when given); returns rows changed.
   */
  finishInbound(table: TableDef, updates: readonly InboundUpdate[]): Promise<number>;

  // --- quarantine, runs, alerts ---------------------------------------------
  /** Upsert: attempts+1, next attempt with exponential backoff. */
  quarantine(entries: readonly QuarantineEntry[], now: Date): Promise<void>;
  /** Unresolved entries of a job whose next attempt is due. */
  dueQuarantine(job: string, now: Date, limit: number): Promise<QuarantineRecord[]>;
  openQuarantine(job?: string): Promise<QuarantineRecord[]>;
  resolveQuarantine(job: string, entries: readonly { entity: string; entityId: string }[]): Promise<void>;

  startRun(run: { job: string; command: string; host: string; pid: number }): Promise<string>;
  finishRun(
    id: string,
    result: { outcome: RunOutcome; counts: Record<string, number>; message: string | null },
  ): Promise<void>;
  lastRuns(): Promise<RunRecord[]>;
  /**
   * When each of `jobs` last finished a run that was not a failure (outcome ok or
   * records-failed); a job that never did is absent. One index seek per job (issue 19 metrics).
   */
  lastSuccesses(jobs: readonly string[]): Promise<Map<string, Date>>;

  /**
   * Records an occurrence of a problem and decides atomically (across hosts, under the row's
   * lock) whether this occurrence is e-mailed and which records it names (src/staging/alert-plan.ts):
   * at once when the problem starts; then, with `items`, a digest of the records that joined once
   * `throttleMinutes` have passed since the last e-mail; without, a reminder once a window.
   */
  noteAlert(
    fingerprint: string,
    summary: string,
    throttleMinutes: number,
    now: Date,
    items?: readonly AlertItem[],
  ): Promise<AlertDecision>;
  /** Open (not cleared) alerts. */
  openAlerts(): Promise<AlertRecord[]>;
  /** Marks an alert cleared; true when it was open and had been sent (so a recovery mail is due). */
  clearAlert(fingerprint: string, now: Date): Promise<boolean>;

  // --- status -----------------------------------------------------------------
  /** Rows per status of the contract tables with a status, and of `extraTables` (custom streams). */
  backlog(extraTables?: readonly TableDef[]): Promise<BacklogEntry[]>;
  cursors(): Promise<{ job: string; cursor: string | null; updatedAt: Date }[]>;

  /**
   * Runs one statement in the store's own dialect (placeholders `$1` on PostgreSQL/PGlite,
   * `@p1` on SQL Server) outside any job transaction. For tooling only: the X3 simulator, the
   * demo, tests. Jobs never use it.
   */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;

  close(): Promise<void>;
}
