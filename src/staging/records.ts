/** Row → record mappers shared by both dialects (values already normalised by the drivers). */
import { parseDigest } from './alert-plan.js';
import type {
  AlertRecord,
  BacklogEntry,
  QuarantineEntry,
  QuarantineRecord,
  RunOutcome,
  RunRecord,
} from './store.js';

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

export function toQuarantineRecord(r: Record<string, unknown>): QuarantineRecord {
  return {
    job: String(r.job),
    entity: String(r.entity),
    entityId: String(r.entity_id),
    error: String(r.last_error),
    attempts: Number(r.attempts),
    firstFailedAt: date(r.first_failed_at),
    lastFailedAt: date(r.last_failed_at),
    nextAttemptAt: date(r.next_attempt_at),
  };
}

export function toAlertRecord(r: Record<string, unknown>): AlertRecord {
  return {
    fingerprint: String(r.fingerprint).trim(),
    summary: String(r.summary),
    firstSeenAt: date(r.first_seen_at),
    lastSeenAt: date(r.last_seen_at),
    occurrences: Number(r.occurrences),
    lastSentAt: dateOrNull(r.last_sent_at),
    clearedAt: dateOrNull(r.cleared_at),
    digest: parseDigest(r.digest),
  };
}

export function toRunRecord(r: Record<string, unknown>): RunRecord {
  const counts = r.counts === null || r.counts === undefined ? null : r.counts;
  return {
    id: String(r.staging_id),
    job: String(r.job),
    command: String(r.command),
    host: String(r.host),
    startedAt: date(r.started_at),
    finishedAt: dateOrNull(r.finished_at),
    outcome: (r.outcome ?? null) as RunOutcome | null,
    counts:
      counts === null
        ? null
        : typeof counts === 'string'
          ? JSON.parse(counts)
          : (counts as Record<string, number>),
    message: (r.message ?? null) as string | null,
  };
}

/** A row of the backlog query: `tbl`, `status`, `n`, `oldest`. */
export function toBacklogEntry(r: Record<string, unknown>): BacklogEntry {
  return {
    table: String(r.tbl),
    status: String(r.status),
    count: Number(r.n),
    oldest: dateOrNull(r.oldest),
  };
}

/** A row of the rejected-rows query: `tbl`, `staging_id`, `key`, `erp_message`. */
export function toRejectedRow(r: Record<string, unknown>): {
  table: string;
  stagingId: string;
  key: string;
  message: string | null;
} {
  return {
    table: String(r.tbl),
    stagingId: String(r.staging_id),
    key: String(r.key),
    message: (r.erp_message ?? null) as string | null,
  };
}

/** A direction-2 row in ERROR: `staging_id`, `sync_message`. */
export function toInboundError(r: Record<string, unknown>): { stagingId: string; message: string | null } {
  return { stagingId: String(r.staging_id), message: (r.sync_message ?? null) as string | null };
}

/** A `sagesync_state` row. */
export function toCursor(r: Record<string, unknown>): {
  job: string;
  cursor: string | null;
  updatedAt: Date;
} {
  return {
    job: String(r.job),
    cursor: (r.cursor_value ?? null) as string | null,
    updatedAt: date(r.updated_at),
  };
}

/** Rows of `job`, `at` (null when the job never succeeded) → job → time. */
export function successMap(rows: readonly Record<string, unknown>[]): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const r of rows) if (r.at !== null && r.at !== undefined) out.set(String(r.job), date(r.at));
  return out;
}

/** Later entries for the same record win (one upsert may not touch a row twice). */
export function dedupeEntries(entries: readonly QuarantineEntry[]): QuarantineEntry[] {
  const map = new Map<string, QuarantineEntry>();
  for (const e of entries) map.set(JSON.stringify([e.job, e.entity, e.entityId]), e);
  return [...map.values()];
}
