/**
 * Building blocks of the PostgreSQL dialect (pg and PGlite). Every statement the dialect sends is
 * built by a pure function returning `{ text, params }` (golden file:
 * test/staging/__golden__/postgres-statements.sql), the twin of mssql/mssql-sql.ts.
 */
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

export function pgType(t: ColumnType): string {
  switch (t.kind) {
    case 'nvarchar':
      return t.length === 'max' ? 'text' : `varchar(${t.length})`;
    case 'varchar':
      return `varchar(${t.length})`;
    case 'char':
      return `char(${t.length})`;
    case 'decimal':
      return `numeric(${t.precision},${t.scale})`;
    case 'int':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamptz';
    case 'json':
      return 'jsonb';
  }
}
