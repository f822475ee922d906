/**
 * The small portable set of SQL types a custom stream column may have, written as text in the
 * configuration (`string(255)`, `decimal(19,4)`, `integer`, …), and their portable ColumnType
 * (src/staging/tables.ts), from which both dialects' DDL is derived.
 */
import type { ColumnType } from '../staging/tables.js';

export const SQL_TYPE_FORMS =
  'string(N) with 1 <= N <= 4000 or string(max), decimal(P,S) with 1 <= P <= 38 and 0 <= S <= P, ' +
  'integer, bigint, boolean, date, timestamp, json';

const SIMPLE: Record<string, ColumnType> = {
  integer: { kind: 'int' },
  bigint: { kind: 'bigint' },
  boolean: { kind: 'boolean' },
  date: { kind: 'date' },
  timestamp: { kind: 'timestamp' },
  json: { kind: 'json' },
};

/** The column type of a configured type text, or null when it is not one of SQL_TYPE_FORMS. */
export function parseSqlType(text: string): ColumnType | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  const simple = SIMPLE[t];
  if (simple) return simple;
  const str = /^string\((\d+|max)\)$/.exec(t);
  if (str) {
    if (str[1] === 'max') return { kind: 'nvarchar', length: 'max' };
    const n = Number(str[1]);
    // 4000: the longest nvarchar(n) on SQL Server; longer needs nvarchar(max).
    return n >= 1 && n <= 4000 ? { kind: 'nvarchar', length: n } : null;
  }
  const dec = /^decimal\((\d+),(\d+)\)$/.exec(t);
  if (dec) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2]);
    // 38: the largest precision SQL Server allows (PostgreSQL allows more).
    return precision >= 1 && precision <= 38 && scale <= precision
      ? { kind: 'decimal', precision, scale }
      : null;
  }
  return null;
}
