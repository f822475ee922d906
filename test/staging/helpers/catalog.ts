/** What the catalogs (INFORMATION_SCHEMA, standard on both servers) must say about a contract column. */
import type { ColumnDef } from '../../../src/staging/tables.js';

export interface CatalogColumn {
  dataType: string;
  length: number | null;
  precision: number | null;
  scale: number | null;
  nullable: boolean;
}

export function expected(dialect: 'postgres' | 'mssql', c: ColumnDef): Omit<CatalogColumn, 'nullable'> {
  const t = c.type;
  const none = { length: null, precision: null, scale: null };
  if (dialect === 'postgres') {
    switch (t.kind) {
      case 'nvarchar':
        return t.length === 'max'
          ? { dataType: 'text', ...none }
          : { dataType: 'character varying', ...none, length: t.length };
      case 'varchar':
        return { dataType: 'character varying', ...none, length: t.length };
      case 'char':
        return { dataType: 'character', ...none, length: t.length };
      case 'decimal':
        return { dataType: 'numeric', length: null, precision: t.precision, scale: t.scale };
      case 'int':
        return { dataType: 'integer', ...none };
      case 'bigint':
        return { dataType: 'bigint', ...none };
      case 'boolean':
        return { dataType: 'boolean', ...none };
      case 'date':
        return { dataType: 'date', ...none };
      case 'timestamp':
        return { dataType: 'timestamp with time zone', ...none };
      case 'json':
        return { dataType: 'jsonb', ...none };
    }
  }
  switch (t.kind) {
    case 'nvarchar':
      return { dataType: 'nvarchar', ...none, length: t.length === 'max' ? -1 : t.length };
    case 'varchar':
      return { dataType: 'varchar', ...none, length: t.length };
    case 'char':
      return { dataType: 'char', ...none, length: t.length };
    case 'decimal':
      return { dataType: 'decimal', length: null, precision: t.precision, scale: t.scale };
    case 'int':
      return { dataType: 'int', ...none };
    case 'bigint':
      return { dataType: 'bigint', ...none };
    case 'boolean':
      return { dataType: 'bit', ...none };
    case 'date':
      return { dataType: 'date', ...none };
    case 'timestamp':
      return { dataType: 'datetime2', ...none };
    case 'json':
      return { dataType: 'nvarchar', ...none, length: -1 };
  }
}

export const COLUMNS_SQL = (p1: string) =>
  `SELECT table_name AS tn, column_name AS cn, data_type AS dt, character_maximum_length AS len,
          numeric_precision AS prec, numeric_scale AS scale, is_nullable AS nullable, datetime_precision AS dtp
     FROM information_schema.columns WHERE table_schema = ${p1}`;

export const CONSTRAINTS_SQL = (p1: string) =>
  `SELECT tc.table_name AS tn, tc.constraint_type AS ct, tc.constraint_name AS name, kcu.column_name AS cn, kcu.ordinal_position AS pos
     FROM information_schema.table_constraints tc
     JOIN information_schema.key_column_usage kcu
       ON kcu.constraint_name = tc.constraint_name AND kcu.constraint_schema = tc.constraint_schema
    WHERE tc.table_schema = ${p1} AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
    ORDER BY tc.table_name, tc.constraint_name, kcu.ordinal_position`;
