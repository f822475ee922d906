/**
 * T-SQL for `sagesync_alert`, the ERROR rows the alerts list and the runs the metrics read (issue 19). The digest decision
 * (src/staging/alert-plan.ts) is taken in TypeScript between two statements of one transaction:
 * the first makes sure the row exists and reads it under UPDLOCK, HOLDLOCK, which holds until
 * commit, so a second host waits and then sees the first one's decision.
 */
import type { StoreNames } from '../names.js';
import type { AlertRecord } from '../store.js';
import { ALERT, RUN, type TableDef } from '../tables.js';
import { qualified, type MssqlStatement } from './mssql-sql.js';

export const lockAlertSql = (
  names: StoreNames,
  fingerprint: string,
  summary: string,
  now: Date,
): MssqlStatement => {
  const t = qualified(names, ALERT);
  return {
    text:
      `INSERT INTO ${t} ([fingerprint], [summary], [first_seen_at], [last_seen_at], [occurrences])\n` +
      `SELECT @p1, @p2, @p3, @p3, 0 WHERE NOT EXISTS (SELECT 1 FROM ${t} WITH (UPDLOCK, HOLDLOCK) WHERE [fingerprint] = @p1);\n` +
      `SELECT * FROM ${t} WITH (UPDLOCK, HOLDLOCK) WHERE [fingerprint] = @p1;`,
    params: [
      { name: 'p1', type: 'varchar(255)', value: fingerprint },
      { name: 'p2', type: 'nvarchar(4000)', value: summary },
      { name: 'p3', type: 'datetime2(3)', value: now },
    ],
  };
};

export const writeAlertSql = (names: StoreNames, next: AlertRecord): MssqlStatement => {
  const t = qualified(names, ALERT);
  return {
    text:
      `UPDATE ${t} SET [summary] = @p2, [first_seen_at] = @p3, [last_seen_at] = @p4, [occurrences] = @p5,\n` +
      `  [last_sent_at] = @p6, [cleared_at] = NULL, [digest] = @p7\n` +
      `WHERE [fingerprint] = @p1;\n` +
      `SELECT * FROM ${t} WHERE [fingerprint] = @p1;`,
    params: [
      { name: 'p1', type: 'varchar(255)', value: next.fingerprint },
      { name: 'p2', type: 'nvarchar(4000)', value: next.summary },
      { name: 'p3', type: 'datetime2(3)', value: next.firstSeenAt },
      { name: 'p4', type: 'datetime2(3)', value: next.lastSeenAt },
      { name: 'p5', type: 'int', value: next.occurrences },
      { name: 'p6', type: 'datetime2(3)', value: next.lastSentAt },
      { name: 'p7', type: 'nvarchar(max)', value: JSON.stringify(next.digest) },
    ],
  };
};

/** The newest rows of a direction-2 table that sagesync set to ERROR, with their reason. */
export const inboundErrorsSql = (names: StoreNames, table: TableDef, limit: number): MssqlStatement => ({
  text:
    `SELECT TOP (@p1) CONVERT(varchar(20), [staging_id]) AS [staging_id], [sync_message] FROM ${qualified(names, table)}\n` +
    `WHERE [status] = 'ERROR' ORDER BY [staging_id] DESC;`,
  params: [{ name: 'p1', type: 'int', value: limit }],
});

/** Each job's last non-failed run: one TOP (1) seek per job on the (job, started_at) index. */
export const lastSuccessesSql = (names: StoreNames, jobs: readonly string[]): MssqlStatement => ({
  text:
    `SELECT v.[job], (SELECT TOP (1) r.[finished_at] FROM ${qualified(names, RUN)} AS r\n` +
    `  WHERE r.[job] = v.[job] AND r.[outcome] IN ('ok', 'records-failed') ORDER BY r.[started_at] DESC) AS [at]\n` +
    `FROM (VALUES ${jobs.map((_, i) => `(@p${i + 1})`).join(', ')}) AS v ([job]);`,
  params: jobs.map((job, i) => ({ name: `p${i + 1}`, type: 'varchar(100)' as const, value: job })),
});
