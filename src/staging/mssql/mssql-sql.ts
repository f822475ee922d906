/**
 * Building blocks of the T-SQL dialect. Every statement the dialect sends is built by a pure
 * function returning `{ text, params }` (exact-SQL tests pin them: no SQL Server runs on our
 * machines). Parameter types are explicit, never inferred (docs/staging.md): decimals and bigints
 * travel as varchar and are CAST by the server (tedious would pass them through a double),
 * timestamps as datetime2(3), strings with fixed declared lengths so one plan is reused.
 */
import { typeSpelling } from '../ddl.js';
import { physicalName, type StoreNames } from '../names.js';
import type { ColumnDef, ColumnType, TableDef } from '../tables.js';
import { toText } from '../values.js';

/** Declared parameter type, as T-SQL spells it. */
export type MssqlType =
  | 'int'
  | 'bit'
  | 'datetime2(3)'
  | 'varchar(10)'
  | 'varchar(20)'
  | 'varchar(40)'
  | 'varchar(100)'
  | 'varchar(255)'
  | 'varchar(8000)'
  | 'nvarchar(255)'
  | 'nvarchar(4000)'
  | 'nvarchar(max)';

export interface MssqlParam {
  name: string;
  type: MssqlType;
  value: unknown;
}

export interface MssqlStatement {
  text: string;
  params: MssqlParam[];
}

/** Largest parameter count per statement (sp_executesql allows 2100; docs/staging.md/D). */
export const MAX_PARAMS = 2098;
/** A table value constructor takes at most 1000 rows. */
const MAX_VALUES_ROWS = 1000;

export function rowsPerChunk(columnsPerRow: number, reserved = 0): number {
  return Math.max(
    1,
    Math.min(MAX_VALUES_ROWS, Math.floor((MAX_PARAMS - reserved) / Math.max(1, columnsPerRow))),
  );
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function q(ident: string): string {
  return `[${ident.replace(/]/g, ']]')}]`;
}

export function qualified(names: StoreNames, table: TableDef | string): string {
  return `${q(names.schema)}.${q(physicalName(names, table))}`;
}

/** Collects parameters in order: `@p1`, `@p2`, … (the store's `query()` placeholders too). */
export class Params {
  readonly list: MssqlParam[] = [];
  add(type: MssqlType, value: unknown): string {
    const name = `p${this.list.length + 1}`;
    this.list.push({ name, type, value });
    return `@${name}`;
  }
}

/** The column type as SQL Server spells it (both dialects' spellings: ../ddl.ts). */
export function columnType(t: ColumnType): string {
  return typeSpelling(t).mssql;
}

/** How a column's value is sent: parameter type, and the expression turning it into the column type. */
export function paramType(t: ColumnType): MssqlType {
  switch (t.kind) {
    case 'nvarchar':
    case 'json':
      return t.kind === 'json' || t.length === 'max' ? 'nvarchar(max)' : 'nvarchar(4000)';
    case 'varchar':
    case 'char':
      // Declared wider than the column: an overlong value then fails the insert (error 2628)
      // instead of being cut to the parameter's length on the way in.
      return 'varchar(8000)';
    case 'decimal':
      return 'varchar(40)';
    case 'bigint':
      return 'varchar(20)';
    case 'date':
      return 'varchar(10)';
    case 'int':
      return 'int';
    case 'boolean':
      return 'bit';
    case 'timestamp':
      return 'datetime2(3)';
  }
}

export function castExpr(t: ColumnType, expr: string): string {
  switch (t.kind) {
    case 'decimal':
    case 'bigint':
    case 'date':
      return `CAST(${expr} AS ${columnType(t)})`;
    default:
      return expr;
  }
}

export function paramValue(value: unknown, t: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (t.kind === 'timestamp') return value instanceof Date ? value : new Date(String(value));
  if (t.kind === 'int') return typeof value === 'number' ? value : Number(value);
  if (t.kind === 'boolean') return value === true || value === 1 || value === 'true';
  return toText(value, t);
}

/**
 * Select-list expression keeping decimals as strings (tedious 19.2.2 `src/value-parser.ts` reads them
 * as numbers).
 */
function selectExpr(c: ColumnDef, alias = ''): string {
  const col = `${alias}${q(c.name)}`;
  return c.type.kind === 'decimal' ? `CONVERT(varchar(40), ${col}) AS ${q(c.name)}` : col;
}

export function selectList(t: TableDef, alias = ''): string {
  return t.columns.map((c) => selectExpr(c, alias)).join(', ');
}
