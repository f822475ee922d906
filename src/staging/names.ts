/**
 * Table and constraint names shared by both dialects: `<prefix><table>` inside `staging.schema`
 * (docs/contract/staging-tables.md "Conventions").
 */
import { createHash } from 'node:crypto';
import type { TableDef } from './tables.js';

export interface StoreNames {
  schema: string;
  prefix: string;
}

export function physicalName(names: StoreNames, table: TableDef | string): string {
  return `${names.prefix}${typeof table === 'string' ? table : table.name}`;
}

/**
 * A constraint or index name, unique per schema because it starts with the table name. Kept
 * within PostgreSQL's 63-byte identifier limit (longer names would be silently truncated, and two
 * truncated names could collide), so both dialects use the same names.
 */
export function constraintName(
  tableName: string,
  kind: 'pk' | 'uq' | 'fk' | 'ix',
  columns: string[],
): string {
  const full = `${tableName}_${kind}_${columns.join('_')}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 63 - 9)}_${hash}`;
}

/** Two signed 32-bit ints derived from a lock name, for pg_try_advisory_lock(int, int). */
export function advisoryKey(names: StoreNames, name: string): [number, number] {
  const digest = createHash('sha256').update(`sagesync:${names.schema}:${names.prefix}:${name}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/** sp_getapplock resource: case-sensitive, at most 255 characters (docs/staging.md). */
export function applockResource(names: StoreNames, name: string): string {
  const full = `sagesync:${names.schema}.${names.prefix}:${name}`;
  if (full.length <= 255) return full;
  return `${full.slice(0, 255 - 9)}#${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
}
