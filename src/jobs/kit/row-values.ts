/** Reading the columns of a staging row written by X3 (pull jobs and pull streams). */
import type { InboundRow } from '../../staging/store.js';

/** A row's column as a trimmed string, or null when absent/blank. */
export function text(row: InboundRow, column: string): string | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  const s = (v instanceof Date ? v.toISOString() : String(v)).trim();
  return s === '' ? null : s;
}

/** An int column as a positive integer, or null. */
export function intId(row: InboundRow, column: string): number | null {
  const s = text(row, column);
  if (s === null || !/^\d+$/.test(s)) return null;
  return Number(s);
}
