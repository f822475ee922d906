/**
 * PostgreSQL for sagesync's own tables, the customer map, the locks and `migrate`'s catalog reads
 * (pure builders; the twin of mssql-own-sql.ts).
 */
import {
  QUARANTINE_BACKOFF_BASE_SECONDS as BASE,
  QUARANTINE_BACKOFF_CAP_SECONDS as CAP,
  QUARANTINE_BACKOFF_MAX_EXPONENT as MAX_EXP,
} from '../backoff.js';
import type { CodeCandidate } from '../learn-codes.js';
import { advisoryKey, type StoreNames } from '../names.js';
import type { QuarantineEntry, RunOutcome } from '../store.js';
import { ALERT, CUSTOMER, CUSTOMER_MAP, QUARANTINE, RUN, SCHEMA_VERSION, type TableDef } from '../tables.js';
import { fitMessage } from '../values.js';
import { qualified, type PgStatement } from './postgres-sql.js';

/** The wait after the `attempts`-th failure, as an interval (backoff.ts). */
const delay = (attempts: string): string =>
  `LEAST(${BASE} * power(2, LEAST(${attempts} - 1, ${MAX_EXP})), ${CAP}) * interval '1 second'`;

/** One upsert: the backoff is computed in the statement that counts the attempt. */
export function quarantineSql(names: StoreNames, list: readonly QuarantineEntry[], now: Date): PgStatement {
  return {
    text: `INSERT INTO ${qualified(names, QUARANTINE)} AS q (job, entity, entity_id, attempts, last_error, first_failed_at, last_failed_at, next_attempt_at)
     SELECT u.job, u.entity, u.entity_id, 1, u.err, $5::timestamptz, $5::timestamptz, $5::timestamptz + ${delay('1')}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(job, entity, entity_id, err)
     ON CONFLICT (job, entity, entity_id) DO UPDATE SET
       attempts = CASE WHEN q.resolved_at IS NULL THEN q.attempts + 1 ELSE 1 END,
       first_failed_at = CASE WHEN q.resolved_at IS NULL THEN q.first_failed_at ELSE excluded.first_failed_at END,
       last_error = excluded.last_error,
       last_failed_at = excluded.last_failed_at,
       next_attempt_at = excluded.last_failed_at + ${delay('CASE WHEN q.resolved_at IS NULL THEN q.attempts + 1 ELSE 1 END')},
       resolved_at = NULL`,
    params: [
      list.map((e) => e.job),
      list.map((e) => e.entity),
      list.map((e) => e.entityId),
      list.map((e) => fitMessage(e.error, 4000)),
      now.toISOString(),
    ],
  };
}

export const dueQuarantineSql = (names: StoreNames, job: string, now: Date, limit: number): PgStatement => ({
  text: `SELECT * FROM ${qualified(names, QUARANTINE)} WHERE job = $1 AND resolved_at IS NULL AND next_attempt_at <= $2
        ORDER BY next_attempt_at, staging_id LIMIT $3`,
  params: [job, now.toISOString(), limit],
});

export const openQuarantineSql = (names: StoreNames, job: string | null): PgStatement => ({
  text: `SELECT * FROM ${qualified(names, QUARANTINE)} WHERE resolved_at IS NULL AND ($1::text IS NULL OR job = $1)
        ORDER BY job, staging_id`,
  params: [job],
});

export const startRunSql = (
  names: StoreNames,
  run: { job: string; command: string; host: string; pid: number },
): PgStatement => ({
  text: `INSERT INTO ${qualified(names, RUN)} (job, command, host, pid) VALUES ($1, $2, $3, $4) RETURNING staging_id`,
  params: [run.job, run.command, fitMessage(run.host, 255), run.pid],
});

export const finishRunSql = (
  names: StoreNames,
  id: string,
  r: { outcome: RunOutcome; counts: Record<string, number>; message: string | null },
): PgStatement => ({
  text: `UPDATE ${qualified(names, RUN)} SET finished_at = now(), outcome = $2, counts = $3::jsonb, message = $4
        WHERE staging_id = $1::bigint`,
  params: [id, r.outcome, JSON.stringify(r.counts), fitMessage(r.message, 4000)],
});

export const lastRunsSql = (names: StoreNames): PgStatement => ({
  text: `SELECT DISTINCT ON (job) * FROM ${qualified(names, RUN)} ORDER BY job, started_at DESC, staging_id DESC`,
  params: [],
});

export const openAlertsSql = (names: StoreNames): PgStatement => ({
  text: `SELECT * FROM ${qualified(names, ALERT)} WHERE cleared_at IS NULL ORDER BY first_seen_at`,
  params: [],
});

export const clearAlertSql = (names: StoreNames, fingerprint: string, now: Date): PgStatement => ({
  text: `UPDATE ${qualified(names, ALERT)} SET cleared_at = $2 WHERE fingerprint = $1 AND cleared_at IS NULL
        RETURNING last_sent_at`,
  params: [fingerprint, now.toISOString()],
});

/** The latest DONE row with a code per customer, when it says something the map does not. */
export const codeCandidatesSql = (names: StoreNames): PgStatement => ({
  text: `SELECT x.oro_customer_id, x.erp_customer_code, x.staging_id FROM (
         SELECT DISTINCT ON (oro_customer_id) oro_customer_id, erp_customer_code, staging_id FROM ${qualified(names, CUSTOMER)}
          WHERE status = 'DONE' AND erp_customer_code IS NOT NULL AND erp_customer_code <> ''
          ORDER BY oro_customer_id, staging_id DESC) x
         LEFT JOIN ${qualified(names, CUSTOMER_MAP)} mm ON mm.oro_customer_id = x.oro_customer_id
        WHERE mm.erp_customer_code IS DISTINCT FROM x.erp_customer_code`,
  params: [],
});

export const takenCodesSql = (names: StoreNames, codes: readonly string[]): PgStatement => ({
  text: `SELECT erp_customer_code, oro_customer_id FROM ${qualified(names, CUSTOMER_MAP)} WHERE erp_customer_code = ANY($1::text[])`,
  params: [codes],
});

export const upsertCodesSql = (names: StoreNames, learnt: readonly CodeCandidate[]): PgStatement => ({
  text: `INSERT INTO ${qualified(names, CUSTOMER_MAP)} (oro_customer_id, erp_customer_code, learnt_from_staging_id, updated_at)
         SELECT u.id, u.code, u.sid, now() FROM unnest($1::int[], $2::text[], $3::bigint[]) AS u(id, code, sid)
         ON CONFLICT (oro_customer_id) DO UPDATE SET erp_customer_code = excluded.erp_customer_code,
           learnt_from_staging_id = excluded.learnt_from_staging_id, updated_at = excluded.updated_at`,
  params: [learnt.map((l) => l.oroCustomerId), learnt.map((l) => l.code), learnt.map((l) => l.stagingId)],
});

/** A session advisory lock, not waiting (postgres-lock.ts; PostgreSQL docs "Advisory Locks"). */
export const tryLockSql = (key: readonly [number, number]): PgStatement => ({
  text: 'SELECT pg_try_advisory_lock($1::int, $2::int) AS ok',
  params: [key[0], key[1]],
});

export const unlockSql = (key: readonly [number, number]): PgStatement => ({
  text: 'SELECT pg_advisory_unlock($1::int, $2::int)',
  params: [key[0], key[1]],
});

/**
 * Is this session's advisory lock on (key1, key2) granted? A two-int advisory lock shows in
 * pg_locks as classid = key1, objid = key2, objsubid = 2, the keys as oids
 * (postgresql.org/docs/current/view-pg-locks.html).
 */
export const holdsLockSql = (key: readonly [number, number]): PgStatement => ({
  text: `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
  AND pid = pg_backend_pid() AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2) AS ok`,
  params: [key[0] >>> 0, key[1] >>> 0],
});

/** Transaction-scoped: two concurrent `migrate` runs wait for each other. */
export const migrationLockSql = (names: StoreNames): PgStatement => ({
  text: 'SELECT pg_advisory_xact_lock($1::int, $2::int)',
  params: advisoryKey(names, 'migrate'),
});

export const schemaExistsSql = (schema: string): PgStatement => ({
  text: 'SELECT 1 FROM pg_namespace WHERE nspname = $1',
  params: [schema],
});

export const catalogColumnsSql = (schema: string): PgStatement => ({
  text: `SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale
       FROM information_schema.columns WHERE table_schema = $1`,
  params: [schema],
});

/** Index names of the schema (PRIMARY KEY and UNIQUE constraints have an index of their name). */
export const catalogIndexesSql = (schema: string): PgStatement => ({
  text: 'SELECT indexname FROM pg_indexes WHERE schemaname = $1',
  params: [schema],
});

export const hasRowsSql = (names: StoreNames, table: TableDef): PgStatement => ({
  text: `SELECT 1 FROM ${qualified(names, table)} LIMIT 1`,
  params: [],
});

export const recordMigrationSql = (names: StoreNames, migration: string, version: number): PgStatement => ({
  text: `INSERT INTO ${qualified(names, SCHEMA_VERSION)} (migration, contract_version) VALUES ($1, $2)
           ON CONFLICT (migration) DO NOTHING`,
  params: [migration, version],
});
