/** Read-mostly queries of the PostgreSQL dialect: customer-code learning, rejected rows, backlog. */
import { physicalName, type StoreNames } from '../names.js';
import type { BacklogEntry } from '../store.js';
import { backlogTables, backlogTimestamp, CUSTOMER, CUSTOMER_MAP, ORDER, type TableDef } from '../tables.js';
import { planCustomerCodes, type CodeCandidate, type LearnResult } from '../learn-codes.js';
import type { PgDriver } from './postgres-driver.js';
import { qualified } from './postgres-ddl.js';

export async function learnCustomerCodesPostgres(db: PgDriver, names: StoreNames): Promise<LearnResult> {
  const c = qualified(names, CUSTOMER);
  const m = qualified(names, CUSTOMER_MAP);
  return db.transaction(async (tx) => {
    // The latest DONE row with a code per customer, when it says something the map does not.
    const { rows } = await tx.query(
      `SELECT x.oro_customer_id, x.erp_customer_code, x.staging_id FROM (
         SELECT DISTINCT ON (oro_customer_id) oro_customer_id, erp_customer_code, staging_id FROM ${c}
          WHERE status = 'DONE' AND erp_customer_code IS NOT NULL AND erp_customer_code <> ''
          ORDER BY oro_customer_id, staging_id DESC) x
         LEFT JOIN ${m} mm ON mm.oro_customer_id = x.oro_customer_id
        WHERE mm.erp_customer_code IS DISTINCT FROM x.erp_customer_code`,
    );
    const candidates: CodeCandidate[] = rows.map((r) => ({
      oroCustomerId: Number(r.oro_customer_id),
      code: String(r.erp_customer_code).trim(),
      stagingId: String(r.staging_id),
    }));
    if (candidates.length === 0) return { learnt: [], conflicts: [] };
    const { rows: taken } = await tx.query(
      `SELECT erp_customer_code, oro_customer_id FROM ${m} WHERE erp_customer_code = ANY($1::text[])`,
      [candidates.map((x) => x.code)],
    );
    const plan = planCustomerCodes(
      candidates,
      new Map(taken.map((r) => [String(r.erp_customer_code), Number(r.oro_customer_id)])),
    );
    if (plan.learnt.length > 0) {
      await tx.query(
        `INSERT INTO ${m} (oro_customer_id, erp_customer_code, learnt_from_staging_id, updated_at)
         SELECT u.id, u.code, u.sid, now() FROM unnest($1::int[], $2::text[], $3::bigint[]) AS u(id, code, sid)
         ON CONFLICT (oro_customer_id) DO UPDATE SET erp_customer_code = excluded.erp_customer_code,
           learnt_from_staging_id = excluded.learnt_from_staging_id, updated_at = excluded.updated_at`,
        [plan.learnt.map((l) => l.oroCustomerId), plan.learnt.map((l) => l.code), plan.learntFrom],
      );
    }
    return { learnt: plan.learnt, conflicts: plan.conflicts };
  });
}

export async function rejectedRowsPostgres(
  db: PgDriver,
  names: StoreNames,
  limit: number,
): Promise<{ table: string; stagingId: string; key: string; message: string | null }[]> {
  const { rows } = await db.query(
    `SELECT * FROM (
       SELECT $1::text AS tbl, staging_id, oro_customer_id::text AS key, erp_message, staged_at FROM ${qualified(names, CUSTOMER)} WHERE status = 'ERROR'
       UNION ALL
       SELECT $2::text, staging_id, order_identifier, erp_message, staged_at FROM ${qualified(names, ORDER)} WHERE status = 'ERROR'
     ) r ORDER BY staged_at DESC, staging_id DESC LIMIT $3`,
    [physicalName(names, CUSTOMER), physicalName(names, ORDER), limit],
  );
  return rows.map((r) => ({
    table: String(r.tbl),
    stagingId: String(r.staging_id),
    key: String(r.key),
    message: (r.erp_message ?? null) as string | null,
  }));
}

export async function backlogPostgres(
  db: PgDriver,
  names: StoreNames,
  extraTables: readonly TableDef[] = [],
): Promise<BacklogEntry[]> {
  const tables = backlogTables(extraTables);
  const part = (t: TableDef, i: number) =>
    `SELECT $${i + 1}::text AS tbl, status, count(*)::int AS n, min(${backlogTimestamp(t)}) AS oldest FROM ${qualified(names, t)} GROUP BY status`;
  const { rows } = await db.query(
    tables.map(part).join(' UNION ALL ') + ' ORDER BY 1, 2',
    tables.map((t) => physicalName(names, t)),
  );
  return rows.map((r) => ({
    table: String(r.tbl),
    status: String(r.status),
    count: Number(r.n),
    oldest: r.oldest === null ? null : r.oldest instanceof Date ? r.oldest : new Date(String(r.oldest)),
  }));
}
