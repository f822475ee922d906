/**
 * PostgreSQL for `sagesync_alert`, the ERROR rows the alerts list and the runs the metrics read
 * (pure builders; the twin of mssql-alert-sql.ts). The digest decision (src/staging/alert-plan.ts)
 * is taken in TypeScript between these statements of one transaction: the row is made to exist,
 * then read FOR UPDATE, so a second host waits on the row lock and then sees the first one's
 * decision.
 */
import type { StoreNames } from '../names.js';
import type { AlertRecord } from '../store.js';
import { ALERT, RUN, type TableDef } from '../tables.js';
import { qualified, type PgStatement } from './postgres-sql.js';

export const lockAlertSql = (
  names: StoreNames,
  fingerprint: string,
  summary: string,
  now: Date,
): PgStatement[] => {
  const t = qualified(names, ALERT);
  return [
    {
      text: `INSERT INTO ${t} (fingerprint, summary, first_seen_at, last_seen_at, occurrences)
       VALUES ($1, $2, $3, $3, 0) ON CONFLICT (fingerprint) DO NOTHING`,
      params: [fingerprint, summary, now.toISOString()],
    },
    { text: `SELECT * FROM ${t} WHERE fingerprint = $1 FOR UPDATE`, params: [fingerprint] },
  ];
};

export const writeAlertSql = (names: StoreNames, next: AlertRecord): PgStatement => ({
  text: `UPDATE ${qualified(names, ALERT)} SET summary = $2, first_seen_at = $3, last_seen_at = $4, occurrences = $5,
              last_sent_at = $6, cleared_at = NULL, digest = $7::jsonb
        WHERE fingerprint = $1 RETURNING *`,
  params: [
    next.fingerprint,
    next.summary,
    next.firstSeenAt.toISOString(),
    next.lastSeenAt.toISOString(),
    next.occurrences,
    next.lastSentAt?.toISOString() ?? null,
    JSON.stringify(next.digest),
  ],
});

/** The newest rows of a direction-2 table that sagesync set to ERROR, with their reason. */
export const inboundErrorsSql = (names: StoreNames, table: TableDef, limit: number): PgStatement => ({
  text: `SELECT staging_id, sync_message FROM ${qualified(names, table)} WHERE status = 'ERROR' ORDER BY staging_id DESC LIMIT $1`,
  params: [limit],
});

/** Each job's last non-failed run: one LIMIT 1 seek per job on the (job, started_at) index. */
export const lastSuccessesSql = (names: StoreNames, jobs: readonly string[]): PgStatement => ({
  text: `SELECT u.job, (SELECT r.finished_at FROM ${qualified(names, RUN)} r
                       WHERE r.job = u.job AND r.outcome IN ('ok', 'records-failed')
                       ORDER BY r.started_at DESC LIMIT 1) AS at
         FROM unnest($1::text[]) AS u(job)`,
  params: [[...jobs]],
});
