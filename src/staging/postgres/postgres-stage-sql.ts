/**
 * PostgreSQL of `stage()` (pure builders; the twin of mssql-stage-sql.ts): per TableWrite one
 * INSERT … SELECT FROM unnest(…) (docs/staging.md: arrays instead of one parameter per value, so
 * the 65535-parameter limit never applies, and text arrays so numerics stay exact), the cursor
 * upsert and the resolved quarantine entries. postgres-stage-one.ts joins them into one statement.
 */
import { createHash } from 'node:crypto';
import type { StoreNames } from '../names.js';
import type { Row } from '../store.js';
import { QUARANTINE, STATE, type ColumnDef, type TableDef } from '../tables.js';
import { toText, type FixedColumn } from '../values.js';
import { columnType, q, qualified, type PgStatement } from './postgres-sql.js';

export interface InsertStatement {
  text: string;
  /** Prepared-statement name: the same text is parsed once per connection. */
  name: string;
  columns: ColumnDef[];
}

/** `INSERT INTO t (…) SELECT u.c0::type, … FROM unnest(<arrays>) AS u(c0, …)`, one array per column. */
export function unnestInsertSql(
  names: StoreNames,
  table: TableDef,
  columns: readonly ColumnDef[],
  arrays: readonly string[],
): string {
  const aliases = columns.map((_, i) => `c${i}`);
  return (
    `INSERT INTO ${qualified(names, table)} (${columns.map((c) => q(c.name)).join(', ')}) ` +
    `SELECT ${columns.map((c, i) => `u.${aliases[i]}::${columnType(c.type)}`).join(', ')} ` +
    `FROM unnest(${arrays.join(', ')}) AS u(${aliases.join(', ')})`
  );
}

/** The cursor upsert, with the placeholders of job and value. */
export const cursorUpsertSql = (names: StoreNames, job: string, value: string): string =>
  `INSERT INTO ${qualified(names, STATE)} (job, cursor_value, updated_at) VALUES (${job}, ${value}, now()) ` +
  'ON CONFLICT (job) DO UPDATE SET cursor_value = excluded.cursor_value, updated_at = excluded.updated_at';

/** Marks quarantine entries resolved, with the placeholders of job and the two `text[]` lists. */
export const resolveQuarantineSql = (names: StoreNames, job: string, entities: string, ids: string): string =>
  `UPDATE ${qualified(names, QUARANTINE)} AS t SET resolved_at = now() ` +
  `FROM unnest(${entities}, ${ids}) AS u(entity, entity_id) ` +
  `WHERE t.job = ${job} AND t.entity = u.entity AND t.entity_id = u.entity_id AND t.resolved_at IS NULL`;

/** INSERT … SELECT FROM unnest($1::text[], …) ON CONFLICT (…) DO NOTHING RETURNING … */
export function insertStatement(
  names: StoreNames,
  table: TableDef,
  columns: ColumnDef[],
  conflictColumns: string[],
  returning: string[],
): InsertStatement {
  let text = unnestInsertSql(
    names,
    table,
    columns,
    columns.map((_, i) => `$${i + 1}::text[]`),
  );
  if (conflictColumns.length > 0) text += ` ON CONFLICT (${conflictColumns.map(q).join(', ')}) DO NOTHING`;
  if (returning.length > 0) text += ` RETURNING ${returning.map(q).join(', ')}`;
  const name = `sgs_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  return { text, name, columns };
}

/**
 * A `text[]` parameter as PostgreSQL array input text (docs "Arrays", 8.15.6): every element
 * double-quoted, double quotes and backslashes escaped with a backslash, NULL unquoted. It is
 * what node-postgres builds from a JS array (utils.js arrayString), without two regex passes
 * over every element: the server receives the same text, the statement is unchanged. PGlite
 * takes the text as well (test/staging/pg-array-literal.test.ts).
 */
export function textArrayLiteral(values: readonly (string | null | undefined)[]): string {
  if (values.length === 0) return '{}';
  // The usual column (no NULL, nothing to escape) is one join: a flat string, no piecewise
  // concatenation (every `+=` on a long string leaves a node for the garbage collector).
  let plain = true;
  for (const v of values) {
    if (v === null || v === undefined || v.includes('"') || v.includes('\\')) {
      plain = false;
      break;
    }
  }
  return plain ? `{"${values.join('","')}"}` : `{${values.map(element).join(',')}}`;
}

function element(v: string | null | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  return v.includes('"') || v.includes('\\') ? `"${v.replace(/["\\]/g, '\\$&')}"` : `"${v}"`;
}

/** One column of the rows as a `text[]` literal. */
export function columnLiteral(c: ColumnDef, rows: readonly Row[], fixed: FixedColumn | undefined): string {
  if (fixed?.column === c.name) return textArrayLiteral(fixed.values);
  const texts = new Array<string | null>(rows.length);
  for (let i = 0; i < rows.length; i++) texts[i] = toText((rows[i] as Row)[c.name], c.type);
  return textArrayLiteral(texts);
}

/** Marks a job's quarantine entries resolved (outside a batch: `resolveQuarantine`). */
export function resolveQuarantineStatement(
  names: StoreNames,
  job: string,
  entries: readonly { entity: string; entityId: string }[],
): PgStatement {
  return {
    text: resolveQuarantineSql(names, '$1', '$2::text[]', '$3::text[]'),
    params: [job, entries.map((e) => e.entity), entries.map((e) => e.entityId)],
  };
}
