/**
 * sagesync's own tables on PostgreSQL: quarantine (with backoff computed in the same statement
 * that counts the attempt), runs, and alerts (throttle decided under a row lock, so two hosts
 * never both send the same alert).
 */
import {
  QUARANTINE_BACKOFF_BASE_SECONDS,
  QUARANTINE_BACKOFF_CAP_SECONDS,
  QUARANTINE_BACKOFF_MAX_EXPONENT,
} from '../backoff.js';
import type { StoreNames } from '../names.js';
import { planAlert, type AlertNote } from '../alert-plan.js';
import type { AlertDecision, QuarantineEntry } from '../store.js';
import { dedupeEntries, toAlertRecord } from '../records.js';
import { ALERT, QUARANTINE, RUN } from '../tables.js';
import { fitMessage } from '../values.js';
import type { PgDriver, PgQueryable } from './postgres-driver.js';
import { qualified } from './postgres-ddl.js';

export async function quarantinePostgres(
  db: PgQueryable,
  names: StoreNames,
  entries: readonly QuarantineEntry[],
  now: Date,
): Promise<void> {
  const list = dedupeEntries(entries);
  if (list.length === 0) return;
  const t = qualified(names, QUARANTINE);
  const delay = (attempts: string) =>
    `LEAST(${QUARANTINE_BACKOFF_BASE_SECONDS} * power(2, LEAST(${attempts} - 1, ${QUARANTINE_BACKOFF_MAX_EXPONENT})), ${QUARANTINE_BACKOFF_CAP_SECONDS}) * interval '1 second'`;
  await db.query(
    `INSERT INTO ${t} AS q (job, entity, entity_id, attempts, last_error, first_failed_at, last_failed_at, next_attempt_at)
     SELECT u.job, u.entity, u.entity_id, 1, u.err, $5::timestamptz, $5::timestamptz, $5::timestamptz + ${delay('1')}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(job, entity, entity_id, err)
     ON CONFLICT (job, entity, entity_id) DO UPDATE SET
       attempts = CASE WHEN q.resolved_at IS NULL THEN q.attempts + 1 ELSE 1 END,
       first_failed_at = CASE WHEN q.resolved_at IS NULL THEN q.first_failed_at ELSE excluded.first_failed_at END,
       last_error = excluded.last_error,
       last_failed_at = excluded.last_failed_at,
       next_attempt_at = excluded.last_failed_at + ${delay('CASE WHEN q.resolved_at IS NULL THEN q.attempts + 1 ELSE 1 END')},
       resolved_at = NULL`,
    [
      list.map((e) => e.job),
      list.map((e) => e.entity),
      list.map((e) => e.entityId),
      list.map((e) => fitMessage(e.error, 4000)),
      now.toISOString(),
    ],
  );
}

export async function noteAlertPostgres(
  driver: PgDriver,
  names: StoreNames,
  note: AlertNote,
): Promise<AlertDecision> {
  const t = qualified(names, ALERT);
  const summary = fitMessage(note.summary, 1000) ?? '';
  return driver.transaction(async (tx) => {
    // Make sure the row exists, then lock it: concurrent hosts serialise on the row lock.
    await tx.query(
      `INSERT INTO ${t} (fingerprint, summary, first_seen_at, last_seen_at, occurrences)
       VALUES ($1, $2, $3, $3, 0) ON CONFLICT (fingerprint) DO NOTHING`,
      [note.fingerprint, summary, note.now.toISOString()],
    );
    const { rows } = await tx.query(`SELECT * FROM ${t} WHERE fingerprint = $1 FOR UPDATE`, [
      note.fingerprint,
    ]);
    const prev = toAlertRecord(rows[0] ?? {});
    const plan = planAlert(prev.occurrences === 0 ? null : prev, { ...note, summary });
    const n = plan.next;
    const res = await tx.query(
      `UPDATE ${t} SET summary = $2, first_seen_at = $3, last_seen_at = $4, occurrences = $5,
              last_sent_at = $6, cleared_at = NULL, digest = $7::jsonb
        WHERE fingerprint = $1 RETURNING *`,
      [
        note.fingerprint,
        n.summary,
        n.firstSeenAt.toISOString(),
        n.lastSeenAt.toISOString(),
        n.occurrences,
        n.lastSentAt?.toISOString() ?? null,
        JSON.stringify(n.digest),
      ],
    );
    const { next: _written, ...decision } = plan;
    return { ...decision, record: toAlertRecord(res.rows[0] ?? {}) };
  });
}

export async function startRunPostgres(
  db: PgQueryable,
  names: StoreNames,
  run: { job: string; command: string; host: string; pid: number },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO ${qualified(names, RUN)} (job, command, host, pid) VALUES ($1, $2, $3, $4) RETURNING staging_id`,
    [run.job, run.command, fitMessage(run.host, 255), run.pid],
  );
  return String(rows[0]?.staging_id);
}
