/**
 * The PostgreSQL dialect of the staging store, shared by `pg` (a server) and PGlite (embedded):
 * the SQL is the same, the driver seam (postgres-driver.ts) differs.
 */
import { HeldLocks } from '../lock-lost.js';
import { assertCurrent } from '../migrations.js';
import { advisoryKey, physicalName, type StoreNames } from '../names.js';
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
import { CUSTOMER, CUSTOMER_MAP, ORDER, QUARANTINE, RUN, STATE, ALERT, type TableDef } from '../tables.js';
import { fitMessage, normaliseRow } from '../values.js';
import { noteAlertPostgres, quarantinePostgres, startRunPostgres } from './postgres-bookkeeping.js';
import { successMap, toAlertRecord, toQuarantineRecord, toRunRecord } from '../records.js';
import { finishExpectingSql, qualified } from './postgres-ddl.js';
import type { PgDriver } from './postgres-driver.js';
import { learnCustomerCodesPostgres, backlogPostgres, rejectedRowsPostgres } from './postgres-queries.js';
import { migratePostgres, readSchemaVersion } from './postgres-schema.js';
import { resolveQuarantinePostgres, stagePostgres } from './postgres-stage.js';
import { oneStatement } from './postgres-stage-one.js';

export class PostgresStore implements StagingStore {
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
    private readonly names: StoreNames,
    /** host:port/db or the data directory, for messages. */
    private readonly where: string,
  ) {
    this.dialect = db.kind;
  }

  private t(table: TableDef | string): string {
    return qualified(this.names, table);
  }

  tableName(table: TableDef | string): string {
    return `${this.names.schema}.${physicalName(this.names, table)}`;
  }

  migrate(extraTables: readonly TableDef[] = []): Promise<MigrationReport> {
    return migratePostgres(this.db, this.names, extraTables);
  }

  schemaVersion(): Promise<{ contractVersion: number; migrations: string[] } | null> {
    return readSchemaVersion(this.db, this.names);
  }

  async assertSchemaCurrent(): Promise<void> {
    assertCurrent(await this.schemaVersion(), `schema "${this.names.schema}" of ${this.where}`);
  }

  tryLock(name: string): Promise<JobLock | null> {
    return this.db.tryLock(name, advisoryKey(this.names, name)).then((l) => this.locks.track(l));
  }

  async getCursor(job: string): Promise<string | null> {
    const { rows } = await this.db.query(`SELECT cursor_value FROM ${this.t(STATE)} WHERE job = $1`, [job]);
    return (rows[0]?.cursor_value as string | null | undefined) ?? null;
  }

  async stage(batch: StageBatch): Promise<StageResult> {
    await this.locks.verifyAll();
    // One statement (one round trip, atomic by itself) when the writes go to distinct tables.
    const one = oneStatement(this.names, batch);
    if (one) {
      const { rows } = await this.db.query(one.text, one.params, one.name);
      return one.result(rows[0] ?? {});
    }
    return this.db.transaction((tx) => stagePostgres(tx, this.names, batch));
  }

  async stagedOrderIds(oroOrderIds: readonly number[]): Promise<Set<number>> {
    if (oroOrderIds.length === 0) return new Set();
    const { rows } = await this.db.query(
      `SELECT oro_order_id FROM ${this.t(ORDER)} WHERE oro_order_id = ANY($1::int[])`,
      [oroOrderIds],
    );
    return new Set(rows.map((r) => Number(r.oro_order_id)));
  }

  async lastCustomerHashes(oroCustomerIds: readonly number[]): Promise<Map<number, string>> {
    if (oroCustomerIds.length === 0) return new Map();
    const { rows } = await this.db.query(
      `SELECT DISTINCT ON (oro_customer_id) oro_customer_id, payload_hash FROM ${this.t(CUSTOMER)}
        WHERE oro_customer_id = ANY($1::int[]) ORDER BY oro_customer_id, staging_id DESC`,
      [oroCustomerIds],
    );
    return new Map(rows.map((r) => [Number(r.oro_customer_id), String(r.payload_hash)]));
  }

  async customerCodes(oroCustomerIds: readonly number[]): Promise<Map<number, string>> {
    if (oroCustomerIds.length === 0) return new Map();
    const { rows } = await this.db.query(
      `SELECT oro_customer_id, erp_customer_code FROM ${this.t(CUSTOMER_MAP)} WHERE oro_customer_id = ANY($1::int[])`,
      [oroCustomerIds],
    );
    return new Map(rows.map((r) => [Number(r.oro_customer_id), String(r.erp_customer_code)]));
  }

  async customerIdForCode(erpCustomerCode: string): Promise<number | null> {
    const { rows } = await this.db.query(
      `SELECT oro_customer_id FROM ${this.t(CUSTOMER_MAP)} WHERE erp_customer_code = $1`,
      [erpCustomerCode],
    );
    return rows[0] ? Number(rows[0].oro_customer_id) : null;
  }

  async learnCustomerCodes(): ReturnType<StagingStore['learnCustomerCodes']> {
    await this.locks.verifyAll();
    return learnCustomerCodesPostgres(this.db, this.names);
  }

  rejectedRows(limit: number): ReturnType<StagingStore['rejectedRows']> {
    return rejectedRowsPostgres(this.db, this.names, limit);
  }

  async findStagedOrder(by: { erpOrderNumber?: string; orderIdentifier?: string }): Promise<number | null> {
    const [column, value] = by.erpOrderNumber
      ? ['erp_order_number', by.erpOrderNumber]
      : by.orderIdentifier
        ? ['order_identifier', by.orderIdentifier]
        : [null, null];
    if (!column) return null;
    const { rows } = await this.db.query(
      `SELECT oro_order_id FROM ${this.t(ORDER)} WHERE ${column} = $1 ORDER BY staging_id DESC LIMIT 1`,
      [value],
    );
    return rows[0] ? Number(rows[0].oro_order_id) : null;
  }

  async pendingInbound(
    table: TableDef,
    opts: { ids?: readonly string[]; afterId?: string; limit: number },
  ): Promise<InboundRow[]> {
    const params: unknown[] = [opts.limit];
    let where = `status = 'NEW'`;
    if (opts.ids) {
      params.push(opts.ids);
      where += ` AND staging_id = ANY($${params.length}::bigint[])`;
    }
    if (opts.afterId !== undefined) {
      params.push(opts.afterId);
      where += ` AND staging_id > $${params.length}::bigint`;
    }
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.t(table)} WHERE ${where} ORDER BY staging_id LIMIT $1`,
      params,
    );
    return rows.map((r) => normaliseRow(table, r) as InboundRow);
  }

  async finishInbound(table: TableDef, all: readonly InboundUpdate[]): Promise<number> {
    if (all.length === 0) return 0;
    await this.locks.verifyAll();
    let changed = 0;
    // A row is marked only while it holds the values it was applied with (X3 may have changed
    // it meanwhile): one statement per row, each parameter typed by the column it is compared to.
    for (const u of all.filter((x) => x.expect)) {
      const { text, params } = finishExpectingSql(this.t(table), u);
      changed += (await this.db.query(text, params)).rowCount ?? 0;
    }
    const updates = all.filter((x) => !x.expect);
    if (updates.length === 0) return changed;
    const res = await this.db.query(
      `UPDATE ${this.t(table)} AS t SET status = u.status, sync_message = u.msg, processed_at = now()
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, status, msg)
        WHERE t.staging_id = u.id AND t.status = 'NEW'`,
      [
        updates.map((u) => u.stagingId),
        updates.map((u) => u.status),
        updates.map((u) => fitMessage(u.message, 1000)),
      ],
    );
    return changed + (res.rowCount ?? 0);
  }

  async quarantine(entries: readonly QuarantineEntry[], now: Date): Promise<void> {
    await this.locks.verifyAll();
    return quarantinePostgres(this.db, this.names, entries, now);
  }

  async dueQuarantine(job: string, now: Date, limit: number): Promise<QuarantineRecord[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.t(QUARANTINE)} WHERE job = $1 AND resolved_at IS NULL AND next_attempt_at <= $2
        ORDER BY next_attempt_at, staging_id LIMIT $3`,
      [job, now.toISOString(), limit],
    );
    return rows.map(toQuarantineRecord);
  }

  async openQuarantine(job?: string): Promise<QuarantineRecord[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.t(QUARANTINE)} WHERE resolved_at IS NULL AND ($1::text IS NULL OR job = $1)
        ORDER BY job, staging_id`,
      [job ?? null],
    );
    return rows.map(toQuarantineRecord);
  }

  async resolveQuarantine(
    job: string,
    entries: readonly { entity: string; entityId: string }[],
  ): Promise<void> {
    await this.locks.verifyAll();
    return resolveQuarantinePostgres(this.db, this.names, job, entries);
  }

  startRun(run: { job: string; command: string; host: string; pid: number }): Promise<string> {
    return startRunPostgres(this.db, this.names, run);
  }

  async finishRun(
    id: string,
    result: { outcome: RunOutcome; counts: Record<string, number>; message: string | null },
  ): Promise<void> {
    await this.db.query(
      `UPDATE ${this.t(RUN)} SET finished_at = now(), outcome = $2, counts = $3::jsonb, message = $4
        WHERE staging_id = $1::bigint`,
      [id, result.outcome, JSON.stringify(result.counts), fitMessage(result.message, 4000)],
    );
  }

  async lastRuns(): Promise<RunRecord[]> {
    const { rows } = await this.db.query(
      `SELECT DISTINCT ON (job) * FROM ${this.t(RUN)} ORDER BY job, started_at DESC, staging_id DESC`,
    );
    return rows.map(toRunRecord);
  }

  async lastSuccesses(jobs: readonly string[]): Promise<Map<string, Date>> {
    if (jobs.length === 0) return new Map();
    const { rows } = await this.db.query(
      `SELECT u.job, (SELECT r.finished_at FROM ${this.t(RUN)} r
                       WHERE r.job = u.job AND r.outcome IN ('ok', 'records-failed')
                       ORDER BY r.started_at DESC LIMIT 1) AS at
         FROM unnest($1::text[]) AS u(job)`,
      [[...jobs]],
    );
    return successMap(rows);
  }

  noteAlert(
    fingerprint: string,
    summary: string,
    throttleMinutes: number,
    now: Date,
    items?: readonly AlertItem[],
  ): Promise<AlertDecision> {
    return noteAlertPostgres(this.db, this.names, {
      fingerprint,
      summary,
      throttleMinutes,
      now,
      ...(items ? { items } : {}),
    });
  }

  async inboundErrors(
    table: TableDef,
    limit: number,
  ): Promise<{ stagingId: string; message: string | null }[]> {
    const rows = await this.db.query(
      `SELECT staging_id, sync_message FROM ${this.t(table)} WHERE status = 'ERROR' ORDER BY staging_id DESC LIMIT $1`,
      [limit],
    );
    return rows.rows.map((r) => ({
      stagingId: String(r.staging_id),
      message: (r.sync_message ?? null) as string | null,
    }));
  }

  async openAlerts(): Promise<AlertRecord[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.t(ALERT)} WHERE cleared_at IS NULL ORDER BY first_seen_at`,
    );
    return rows.map(toAlertRecord);
  }

  async clearAlert(fingerprint: string, now: Date): Promise<boolean> {
    const { rows } = await this.db.query(
      `UPDATE ${this.t(ALERT)} SET cleared_at = $2 WHERE fingerprint = $1 AND cleared_at IS NULL
        RETURNING last_sent_at`,
      [fingerprint, now.toISOString()],
    );
    return rows.length > 0 && rows[0]?.last_sent_at !== null;
  }

  backlog(extraTables: readonly TableDef[] = []): Promise<BacklogEntry[]> {
    return backlogPostgres(this.db, this.names, extraTables);
  }

  async cursors(): Promise<{ job: string; cursor: string | null; updatedAt: Date }[]> {
    const { rows } = await this.db.query(
      `SELECT job, cursor_value, updated_at FROM ${this.t(STATE)} ORDER BY job`,
    );
    return rows.map((r) => ({
      job: String(r.job),
      cursor: (r.cursor_value ?? null) as string | null,
      updatedAt: r.updated_at instanceof Date ? r.updated_at : new Date(String(r.updated_at)),
    }));
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const { rows } = await this.db.query(sql, params);
    return rows as Row[];
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
