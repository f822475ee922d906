/**
 * Values cross the StagingStore boundary normalised, whatever the driver returned (docs/staging.md):
 * identity ids and money/quantities as strings, timestamps as Date, dates as `YYYY-MM-DD`,
 * JSON as text. Writes go the other way through `toText`, so no value ever passes through a
 * JS double on its way to a decimal column.
 */
import type { Row } from './store.js';
import type { ColumnDef, ColumnType, TableDef } from './tables.js';

type Value = Row[string];

/** The text form a value is sent in (then cast by the SQL to the column's type). */
export function toText(value: unknown, type: ColumnType): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    return type.kind === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (type.kind === 'json' && typeof value === 'object') return JSON.stringify(value);
  if (type.kind === 'boolean') return value === true || value === 'true' || value === 1 ? 'true' : 'false';
  return String(value);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function normaliseValue(value: unknown, type: ColumnType): Value {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'bigint':
    case 'decimal':
      return typeof value === 'string' ? value : String(value);
    case 'int':
      return typeof value === 'number' ? value : Number(value);
    case 'boolean':
      return value === true || value === 1 || value === 't' || value === 'true';
    case 'timestamp':
      return value instanceof Date ? value : new Date(String(value));
    case 'date':
      // Drivers that return a Date for a date column build it at UTC midnight (mssql useUTC) or
      // local midnight (pg); our parsers keep the text, this is the fallback.
      if (value instanceof Date) {
        return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
      }
      return String(value).slice(0, 10);
    case 'json':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** Normalises the known columns of a row; unknown columns pass through. */
export function normaliseRow(table: TableDef, row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    const col: ColumnDef | undefined = table.columns.find((c) => c.name === key);
    out[key] = col ? normaliseValue(value, col.type) : (value as Value);
  }
  return out;
}

/** Our own messages (sync_message, last_error) are cut to their column rather than failing. */
export function fitMessage(message: string | null, max: number): string | null {
  if (message === null) return null;
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}

/** Columns a write sets: the union of the rows' keys, checked against the table. */
export function writeColumns(table: TableDef, rows: readonly Row[]): ColumnDef[] {
  const keys = new Set<string>();
  for (const row of rows) for (const k in row) keys.add(k);
  const cols: ColumnDef[] = [];
  for (const key of keys) {
    const col = table.columns.find((c) => c.name === key);
    if (!col) throw new Error(`column ${key} is not a column of table ${table.name}`);
    cols.push(col);
  }
  return cols;
}

/** One column's values supplied apart from the rows (a child's foreign key), row by row. */
export interface FixedColumn {
  column: string;
  values: readonly string[];
}

/**
 * Indexes of the rows to keep: the first occurrence of each key wins, as with ON CONFLICT DO
 * NOTHING. A key is the text form of its columns, each length-prefixed, so no two different
 * keys share a string.
 */
export function dedupeIndexes(
  table: TableDef,
  rows: readonly Row[],
  keyColumns: readonly string[],
  fixed?: FixedColumn,
): number[] {
  const all = rows.map((_, i) => i);
  if (keyColumns.length === 0) return all;
  const cols = keyColumns.map((k) => table.columns.find((c) => c.name === k));
  const seen = new Set<string>();
  return all.filter((i) => {
    const row = rows[i] as Row;
    let key = '';
    for (let k = 0; k < keyColumns.length; k++) {
      const name = keyColumns[k] as string;
      const col = cols[k];
      const v = fixed?.column === name ? fixed.values[i] : row[name];
      const t = col ? toText(v, col.type) : v === null || v === undefined ? null : String(v);
      key += t === null ? '-|' : `${t.length}:${t}|`;
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** First occurrence of each key wins, as with ON CONFLICT DO NOTHING. */
export function dedupeRows(table: TableDef, rows: readonly Row[], keyColumns: readonly string[]): Row[] {
  return dedupeIndexes(table, rows, keyColumns).map((i) => rows[i] as Row);
}

/**
 * The children of a parent row the database reports inserted, by its parent key as returned (a
 * driver may return the key as a string or a number; `rowsByParent` keys are the job's).
 */
export function childRowsOf(rowsByParent: ReadonlyMap<string | number, Row[]>, key: unknown): Row[] {
  const k = key as string | number;
  return rowsByParent.get(k) ?? rowsByParent.get(String(k)) ?? rowsByParent.get(Number(k)) ?? [];
}
