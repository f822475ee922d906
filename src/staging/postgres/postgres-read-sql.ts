/** PostgreSQL of the lookups and of direction 2 (pure builders; the twin of mssql-read-sql.ts). */
import { physicalName, type StoreNames } from '../names.js';
import type { InboundUpdate } from '../store.js';
import * as T from '../tables.js';
import type { TableDef } from '../tables.js';
import { fitMessage } from '../values.js';
import { q, qualified, type PgStatement } from './postgres-sql.js';

export const stagedOrderIdsSql = (names: StoreNames, ids: readonly number[]): PgStatement => ({
  text: `SELECT oro_order_id FROM ${qualified(names, T.ORDER)} WHERE oro_order_id = ANY($1::int[])`,
  params: [ids],
});

export const lastCustomerHashesSql = (names: StoreNames, ids: readonly number[]): PgStatement => ({
  text: `SELECT DISTINCT ON (oro_customer_id) oro_customer_id, payload_hash FROM ${qualified(names, T.CUSTOMER)}
        WHERE oro_customer_id = ANY($1::int[]) ORDER BY oro_customer_id, staging_id DESC`,
  params: [ids],
});

export const customerCodesSql = (names: StoreNames, ids: readonly number[]): PgStatement => ({
  text: `SELECT oro_customer_id, erp_customer_code FROM ${qualified(names, T.CUSTOMER_MAP)} WHERE oro_customer_id = ANY($1::int[])`,
  params: [ids],
});

export const customerIdsForCodesSql = (names: StoreNames, codes: readonly string[]): PgStatement => ({
  text: `SELECT c.code, m.oro_customer_id FROM unnest($1::text[]) AS c(code)
           JOIN ${qualified(names, T.CUSTOMER_MAP)} AS m ON m.erp_customer_code = c.code`,
  params: [codes],
});

export const getCursorSql = (names: StoreNames, job: string): PgStatement => ({
  text: `SELECT cursor_value FROM ${qualified(names, T.STATE)} WHERE job = $1`,
  params: [job],
});

export const cursorsSql = (names: StoreNames): PgStatement => ({
  text: `SELECT job, cursor_value, updated_at FROM ${qualified(names, T.STATE)} ORDER BY job`,
  params: [],
});

export const findStagedOrderSql = (
  names: StoreNames,
  column: 'erp_order_number' | 'order_identifier',
  value: string,
): PgStatement => ({
  text: `SELECT oro_order_id FROM ${qualified(names, T.ORDER)} WHERE ${column} = $1 ORDER BY staging_id DESC LIMIT 1`,
  params: [value],
});

/** NEW rows in staging_id order (MVCC: readers never wait on X3's open transactions). */
export function pendingInboundSql(
  names: StoreNames,
  table: TableDef,
  opts: { ids?: readonly string[]; afterId?: string; limit: number },
): PgStatement {
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
  return {
    text: `SELECT * FROM ${qualified(names, table)} WHERE ${where} ORDER BY staging_id LIMIT $1`,
    params,
  };
}

/**
 * Only rows still NEW change; a row with `expect` changes only while it still holds those values
 * (X3 changed it after it was read: it stays NEW and is applied again by the next run): one
 * statement per such row, the rest in one statement.
 */
export function finishInboundSql(
  names: StoreNames,
  table: TableDef,
  all: readonly InboundUpdate[],
): PgStatement[] {
  const t = qualified(names, table);
  const expecting = all.filter((u) => u.expect).map((u) => finishExpectingSql(t, u));
  const updates = all.filter((u) => !u.expect);
  if (updates.length === 0) return expecting;
  return [
    ...expecting,
    {
      text: `UPDATE ${t} AS t SET status = u.status, sync_message = u.msg, processed_at = now()
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, status, msg)
        WHERE t.staging_id = u.id AND t.status = 'NEW'`,
      params: [
        updates.map((u) => u.stagingId),
        updates.map((u) => u.status),
        updates.map((u) => fitMessage(u.message, 1000)),
      ],
    },
  ];
}

/**
 * Marks one inbound row only while it is NEW and holds the values in `u.expect`. An untyped
 * parameter compared with a column takes the column's type (PostgreSQL "Type Conversion",
 * https://www.postgresql.org/docs/current/typeconv-oper.html), so numerics, dates and jsonb
 * compare as values, not as text.
 */
export function finishExpectingSql(table: string, u: InboundUpdate): PgStatement {
  const params: unknown[] = [u.stagingId, u.status, fitMessage(u.message, 1000)];
  const holds = Object.entries(u.expect ?? {}).map(([column, value]) => {
    params.push(value);
    return ` AND t.${q(column)} IS NOT DISTINCT FROM $${params.length}`;
  });
  return {
    text:
      `UPDATE ${table} AS t SET status = $2, sync_message = $3, processed_at = now()` +
      ` WHERE t.staging_id = $1 AND t.status = 'NEW'${holds.join('')}`,
    params,
  };
}

export const rejectedRowsSql = (names: StoreNames, limit: number): PgStatement => ({
  text: `SELECT * FROM (
       SELECT $1::text AS tbl, staging_id, oro_customer_id::text AS key, erp_message, staged_at FROM ${qualified(names, T.CUSTOMER)} WHERE status = 'ERROR'
       UNION ALL
       SELECT $2::text, staging_id, order_identifier, erp_message, staged_at FROM ${qualified(names, T.ORDER)} WHERE status = 'ERROR'
     ) r ORDER BY staged_at DESC, staging_id DESC LIMIT $3`,
  params: [physicalName(names, T.CUSTOMER), physicalName(names, T.ORDER), limit],
});

export function backlogSql(names: StoreNames, extraTables: readonly TableDef[] = []): PgStatement {
  const tables = T.backlogTables(extraTables);
  const part = (t: TableDef, i: number) =>
    `SELECT $${i + 1}::text AS tbl, status, count(*)::int AS n, min(${T.backlogTimestamp(t)}) AS oldest FROM ${qualified(names, t)} GROUP BY status`;
  return {
    text: tables.map(part).join(' UNION ALL ') + ' ORDER BY 1, 2',
    params: tables.map((t) => physicalName(names, t)),
  };
}

export const schemaVersionExistsSql = (names: StoreNames): PgStatement => ({
  text: 'SELECT to_regclass($1) IS NOT NULL AS present',
  params: [qualified(names, T.SCHEMA_VERSION)],
});

export const schemaVersionSql = (names: StoreNames): PgStatement => ({
  text: `SELECT migration, contract_version FROM ${qualified(names, T.SCHEMA_VERSION)} ORDER BY applied_at, migration`,
  params: [],
});
