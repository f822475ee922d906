/**
 * Building blocks of the PostgreSQL dialect (pg and PGlite). Every statement the dialect sends is
 * built by a pure function returning `{ text, params }` (golden file:
 * test/staging/__golden__/postgres-statements.sql), the twin of mssql/mssql-sql.ts.
 */
import { typeSpelling } from '../ddl.js';
import { physicalName, type StoreNames } from '../names.js';
import type { ColumnType, TableDef } from '../tables.js';

export interface PgStatement {
  text: string;
  params: unknown[];
  /** Prepared-statement name: the same text is parsed once per connection. */
  name?: string;
}

export function q(ident: string): string {
  return `"${ident.replace(/"/g, '""')}"`;
}

export function qualified(names: StoreNames, table: TableDef | string): string {
  return `${q(names.schema)}.${q(physicalName(names, table))}`;
}

/** The column type as PostgreSQL spells it (both dialects' spellings: ../ddl.ts). */
export function columnType(t: ColumnType): string {
  return typeSpelling(t).postgres;
}
