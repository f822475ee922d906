/** T-SQL for sagesync's own tables, the customer map and the locks (pure builders). */
import {
  QUARANTINE_BACKOFF_BASE_SECONDS as BASE,
  QUARANTINE_BACKOFF_CAP_SECONDS as CAP,
  QUARANTINE_BACKOFF_MAX_EXPONENT as MAX_EXP,
} from '../backoff.js';
import type { CodeCandidate } from '../learn-codes.js';
import { physicalName, type StoreNames } from '../names.js';
import type { TableDef } from '../tables.js';
import type { QuarantineEntry, RunOutcome } from '../store.js';
import { ALERT, CUSTOMER, CUSTOMER_MAP, QUARANTINE, RUN } from '../tables.js';
import { fitMessage } from '../values.js';
import { chunks, Params, qualified, rowsPerChunk, selectList, type MssqlStatement } from './mssql-sql.js';

/** Seconds to wait after the `attempts`-th failure; LEAST() only exists from SQL Server 2022. */
function delaySeconds(attempts: string): string {
  const exp = `CASE WHEN (${attempts}) - 1 > ${MAX_EXP} THEN ${MAX_EXP} ELSE (${attempts}) - 1 END`;
  return `CASE WHEN ${BASE} * POWER(2, ${exp}) > ${CAP} THEN ${CAP} ELSE ${BASE} * POWER(2, ${exp}) END`;
}

/** Update the existing entries, then insert the new ones, in one batch (run inside a transaction). */
export function quarantineSql(
  names: StoreNames,
  entries: readonly QuarantineEntry[],
  now: Date,
): MssqlStatement[] {
  const t = qualified(names, QUARANTINE);
  return chunks(entries, rowsPerChunk(4, 1)).map((chunk) => {
    const params = new Params();
    const at = params.add('datetime2(3)', now);
    const values = chunk.map(
      (e) =>
        `(${params.add('varchar(100)', e.job)}, ${params.add('varchar(100)', e.entity)}, ${params.add('varchar(100)', e.entityId)}, ${params.add('nvarchar(4000)', fitMessage(e.error, 4000))})`,
    );
    const v = `(VALUES ${values.join(', ')}) AS v ([job], [entity], [entity_id], [err])`;
    const attempts = `CASE WHEN q.[resolved_at] IS NULL THEN q.[attempts] + 1 ELSE 1 END`;
    return {
      text:
        `UPDATE q SET [attempts] = ${attempts},\n` +
        `  [first_failed_at] = CASE WHEN q.[resolved_at] IS NULL THEN q.[first_failed_at] ELSE ${at} END,\n` +
        `  [last_error] = v.[err], [last_failed_at] = ${at},\n` +
        `  [next_attempt_at] = DATEADD(second, ${delaySeconds(attempts)}, ${at}),\n` +
        `  [resolved_at] = NULL\n` +
        `FROM ${t} AS q WITH (UPDLOCK, HOLDLOCK)\n` +
        `JOIN ${v} ON q.[job] = v.[job] AND q.[entity] = v.[entity] AND q.[entity_id] = v.[entity_id];\n` +
        `INSERT INTO ${t} ([job], [entity], [entity_id], [attempts], [last_error], [first_failed_at], [last_failed_at], [next_attempt_at])\n` +
        `SELECT v.[job], v.[entity], v.[entity_id], 1, v.[err], ${at}, ${at}, DATEADD(second, ${delaySeconds('1')}, ${at})\n` +
        `FROM ${v}\n` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${t} AS q WITH (UPDLOCK, HOLDLOCK) WHERE q.[job] = v.[job] AND q.[entity] = v.[entity] AND q.[entity_id] = v.[entity_id]);`,
      params: params.list,
    };
  });
}

export const dueQuarantineSql = (
  names: StoreNames,
  job: string,
  now: Date,
  limit: number,
): MssqlStatement => ({
  text:
    `SELECT TOP (@p3) ${selectList(QUARANTINE)} FROM ${qualified(names, QUARANTINE)}\n` +
    `WHERE [job] = @p1 AND [resolved_at] IS NULL AND [next_attempt_at] <= @p2 ORDER BY [next_attempt_at], [staging_id];`,
  params: [
    { name: 'p1', type: 'varchar(100)', value: job },
    { name: 'p2', type: 'datetime2(3)', value: now },
    { name: 'p3', type: 'int', value: limit },
  ],
});

export const openQuarantineSql = (names: StoreNames, job: string | null): MssqlStatement => ({
  text:
    `SELECT ${selectList(QUARANTINE)} FROM ${qualified(names, QUARANTINE)}\n` +
    `WHERE [resolved_at] IS NULL AND (@p1 IS NULL OR [job] = @p1) ORDER BY [job], [staging_id];`,
  params: [{ name: 'p1', type: 'varchar(100)', value: job }],
});

export const startRunSql = (
  names: StoreNames,
  run: { job: string; command: string; host: string; pid: number },
): MssqlStatement => ({
  text:
    `DECLARE @ids TABLE ([staging_id] bigint);\n` +
    `INSERT INTO ${qualified(names, RUN)} ([job], [command], [host], [pid]) OUTPUT INSERTED.[staging_id] INTO @ids VALUES (@p1, @p2, @p3, @p4);\n` +
    `SELECT CONVERT(varchar(20), [staging_id]) AS [staging_id] FROM @ids;`,
  params: [
    { name: 'p1', type: 'varchar(100)', value: run.job },
    { name: 'p2', type: 'varchar(100)', value: run.command },
    { name: 'p3', type: 'nvarchar(255)', value: fitMessage(run.host, 255) },
    { name: 'p4', type: 'int', value: run.pid },
  ],
});

export const finishRunSql = (
  names: StoreNames,
  id: string,
  r: { outcome: RunOutcome; counts: Record<string, number>; message: string | null },
): MssqlStatement => ({
  text:
    `UPDATE ${qualified(names, RUN)} SET [finished_at] = SYSUTCDATETIME(), [outcome] = @p2, [counts] = @p3, [message] = @p4\n` +
    `WHERE [staging_id] = CAST(@p1 AS bigint);`,
  params: [
    { name: 'p1', type: 'varchar(20)', value: id },
    { name: 'p2', type: 'varchar(20)', value: r.outcome },
    { name: 'p3', type: 'nvarchar(max)', value: JSON.stringify(r.counts) },
    { name: 'p4', type: 'nvarchar(4000)', value: fitMessage(r.message, 4000) },
  ],
});

export const lastRunsSql = (names: StoreNames): MssqlStatement => ({
  text:
    `SELECT ${selectList(RUN, 'x.')} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY [job] ORDER BY [started_at] DESC, [staging_id] DESC) AS [rn]\n` +
    `FROM ${qualified(names, RUN)}) AS x WHERE x.[rn] = 1 ORDER BY x.[job];`,
  params: [],
});

export const openAlertsSql = (names: StoreNames): MssqlStatement => ({
  text: `SELECT * FROM ${qualified(names, ALERT)} WHERE [cleared_at] IS NULL ORDER BY [first_seen_at];`,
  params: [],
});

export const clearAlertSql = (names: StoreNames, fingerprint: string, now: Date): MssqlStatement => ({
  text:
    `DECLARE @cleared TABLE ([last_sent_at] datetime2(3));\n` +
    `UPDATE ${qualified(names, ALERT)} SET [cleared_at] = @p2 OUTPUT INSERTED.[last_sent_at] INTO @cleared\n` +
    `WHERE [fingerprint] = @p1 AND [cleared_at] IS NULL;\n` +
    `SELECT [last_sent_at] FROM @cleared;`,
  params: [
    { name: 'p1', type: 'varchar(255)', value: fingerprint },
    { name: 'p2', type: 'datetime2(3)', value: now },
  ],
});

/** The latest DONE row with a code per customer, when it differs from the map. */
export const codeCandidatesSql = (names: StoreNames): MssqlStatement => ({
  text:
    `SELECT x.[oro_customer_id], x.[erp_customer_code], CONVERT(varchar(20), x.[staging_id]) AS [staging_id] FROM (\n` +
    `  SELECT [oro_customer_id], [erp_customer_code], [staging_id],\n` +
    `         ROW_NUMBER() OVER (PARTITION BY [oro_customer_id] ORDER BY [staging_id] DESC) AS [rn]\n` +
    `  FROM ${qualified(names, CUSTOMER)} WHERE [status] = 'DONE' AND [erp_customer_code] IS NOT NULL AND [erp_customer_code] <> N''\n` +
    `) AS x LEFT JOIN ${qualified(names, CUSTOMER_MAP)} AS m WITH (UPDLOCK, HOLDLOCK) ON m.[oro_customer_id] = x.[oro_customer_id]\n` +
    `WHERE x.[rn] = 1 AND (m.[erp_customer_code] IS NULL OR m.[erp_customer_code] <> x.[erp_customer_code]);`,
  params: [],
});

/** The collation the map's UNIQUE (erp_customer_code) compares with (learn-codes.ts codeFolder). */
export const codeCollationSql = (names: StoreNames): MssqlStatement => ({
  text: `SELECT [collation_name] FROM sys.columns WHERE [object_id] = OBJECT_ID(@p1) AND [name] = N'erp_customer_code';`,
  params: [
    { name: 'p1', type: 'nvarchar(4000)', value: `${names.schema}.${physicalName(names, CUSTOMER_MAP)}` },
  ],
});

export const takenCodesSql = (names: StoreNames, codes: readonly string[]): MssqlStatement[] =>
  chunks(codes, rowsPerChunk(1)).map((chunk) => {
    const params = new Params();
    const list = chunk.map((c) => params.add('nvarchar(4000)', c)).join(', ');
    return {
      text: `SELECT [erp_customer_code], [oro_customer_id] FROM ${qualified(names, CUSTOMER_MAP)} WITH (UPDLOCK, HOLDLOCK) WHERE [erp_customer_code] IN (${list});`,
      params: params.list,
    };
  });

export const upsertCodesSql = (names: StoreNames, learnt: readonly CodeCandidate[]): MssqlStatement[] =>
  chunks(learnt, rowsPerChunk(3)).map((chunk) => {
    const params = new Params();
    const values = chunk.map(
      (l) =>
        `(${params.add('int', l.oroCustomerId)}, ${params.add('nvarchar(4000)', l.code)}, CAST(${params.add('varchar(20)', l.stagingId)} AS bigint))`,
    );
    const v = `(VALUES ${values.join(', ')}) AS v ([id], [code], [sid])`;
    const m = qualified(names, CUSTOMER_MAP);
    return {
      text:
        `UPDATE m SET [erp_customer_code] = v.[code], [learnt_from_staging_id] = v.[sid], [updated_at] = SYSUTCDATETIME()\n` +
        `FROM ${m} AS m JOIN ${v} ON m.[oro_customer_id] = v.[id];\n` +
        `INSERT INTO ${m} ([oro_customer_id], [erp_customer_code], [learnt_from_staging_id], [updated_at])\n` +
        `SELECT v.[id], v.[code], v.[sid], SYSUTCDATETIME() FROM ${v}\n` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${m} AS m WITH (UPDLOCK, HOLDLOCK) WHERE m.[oro_customer_id] = v.[id]);`,
      params: params.list,
    };
  });

/**
 * Session-owned, non-waiting application lock (docs/staging.md). sp_getapplock is re-entrant on
 * one session, so a lock this session already holds is reported as -100 (refused) rather than
 * granted twice (DistributedLock checks APPLOCK_MODE the same way).
 */
export const getAppLockSql = (resource: string): MssqlStatement => ({
  text:
    `DECLARE @rc int;\n` +
    `IF APPLOCK_MODE(N'public', @p1, N'Session') <> N'NoLock' SET @rc = -100;\n` +
    `ELSE EXEC @rc = sp_getapplock @Resource = @p1, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0, @DbPrincipal = N'public';\n` +
    `SELECT @rc AS [rc];`,
  params: [{ name: 'p1', type: 'nvarchar(255)', value: resource }],
});

export const releaseAppLockSql = (resource: string): MssqlStatement => ({
  text:
    `DECLARE @rc int;\n` +
    `EXEC @rc = sp_releaseapplock @Resource = @p1, @LockOwner = N'Session', @DbPrincipal = N'public';\n` +
    `SELECT @rc AS [rc];`,
  params: [{ name: 'p1', type: 'nvarchar(255)', value: resource }],
});

/**
 * The mode of each job lock as held by the CURRENT session ('Exclusive' while ours, 'NoLock' on
 * a session that never took it). One row per resource, read in JavaScript: no THROW to parse.
 */
export const appLockModesSql = (resources: readonly string[]): MssqlStatement => {
  const params = new Params();
  const values = resources.map((r) => `(${params.add('nvarchar(255)', r)})`).join(', ');
  return {
    text: `SELECT v.[resource], APPLOCK_MODE(N'public', v.[resource], N'Session') AS [mode] FROM (VALUES ${values}) AS v ([resource]);`,
    params: params.list,
  };
};

/**
 * Transaction-owned: two concurrent `migrate` runs wait for each other, for less than the
 * default statement deadline (staging.statementTimeoutMs, 60 s) so that the user sees this message, not ETIMEOUT.
 */
export const MIGRATION_LOCK_WAIT_MS = 20_000;
export const MIGRATION_LOCK_ERROR = 50002;

export const migrationLockSql = (resource: string): MssqlStatement => ({
  text:
    `DECLARE @rc int;\n` +
    `EXEC @rc = sp_getapplock @Resource = @p1, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = ${MIGRATION_LOCK_WAIT_MS}, @DbPrincipal = N'public';\n` +
    `IF @rc < 0 THROW ${MIGRATION_LOCK_ERROR}, N'sagesync: the migration lock was not granted', 1;`,
  params: [{ name: 'p1', type: 'nvarchar(255)', value: resource }],
});

export const catalogColumnsSql = (schema: string): MssqlStatement => ({
  text:
    `SELECT [TABLE_NAME] AS [table_name], [COLUMN_NAME] AS [column_name], [DATA_TYPE] AS [data_type],\n` +
    `       [CHARACTER_MAXIMUM_LENGTH] AS [len], [NUMERIC_PRECISION] AS [prec], [NUMERIC_SCALE] AS [scale]\n` +
    `FROM INFORMATION_SCHEMA.COLUMNS WHERE [TABLE_SCHEMA] = @p1;`,
  params: [{ name: 'p1', type: 'nvarchar(255)', value: schema }],
});

/** Every index (constraints' own included) of the schema, with its columns. */
export const catalogIndexesSql = (schema: string): MssqlStatement => ({
  text:
    `SELECT t.[name] AS [table_name], i.[name] AS [name], c.[name] AS [column_name] FROM sys.indexes AS i\n` +
    `JOIN sys.tables AS t ON t.[object_id] = i.[object_id]\n` +
    `JOIN sys.index_columns AS ic ON ic.[object_id] = i.[object_id] AND ic.[index_id] = i.[index_id]\n` +
    `JOIN sys.columns AS c ON c.[object_id] = ic.[object_id] AND c.[column_id] = ic.[column_id]\n` +
    `WHERE t.[schema_id] = SCHEMA_ID(@p1) AND i.[name] IS NOT NULL;`,
  params: [{ name: 'p1', type: 'nvarchar(255)', value: schema }],
});

export const catalogChecksSql = (schema: string): MssqlStatement => ({
  text: `SELECT [name] FROM sys.check_constraints WHERE [schema_id] = SCHEMA_ID(@p1);`,
  params: [{ name: 'p1', type: 'nvarchar(255)', value: schema }],
});

export const hasRowsSql = (names: StoreNames, table: TableDef): MssqlStatement => ({
  text: `SELECT TOP (1) 1 AS [x] FROM ${qualified(names, table)};`,
  params: [],
});

export const recordMigrationSql = (
  names: StoreNames,
  migration: string,
  version: number,
): MssqlStatement => ({
  text:
    `IF NOT EXISTS (SELECT 1 FROM ${qualified(names, 'schema_version')} WHERE [migration] = @p1)\n` +
    `INSERT INTO ${qualified(names, 'schema_version')} ([migration], [contract_version]) VALUES (@p1, @p2);`,
  params: [
    { name: 'p1', type: 'varchar(100)', value: migration },
    { name: 'p2', type: 'int', value: version },
  ],
});
