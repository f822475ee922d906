/**
 * A stream's table must have been created by `sagesync migrate` (or the DDL of `migrate --print`)
 * before the stream runs: said plainly (exit 69, like an old schema) instead of a SQL error.
 */
import { SchemaVersionError } from '../errors.js';
import type { StagingStore } from '../staging/store.js';
import type { TableDef } from '../staging/tables.js';
import type { StreamDef } from './types.js';

export async function assertStreamTable(store: StagingStore, def: StreamDef, table: TableDef): Promise<void> {
  const version = await store.schemaVersion();
  const physical = store.tableName(table).split('.').pop() ?? table.name;
  if (version?.migrations.includes(`table:${physical}`)) return;
  throw new SchemaVersionError(
    'database',
    `The table ${store.tableName(table)} of stream "${def.name}" does not exist yet. Run "sagesync migrate" (or have a DBA apply "sagesync migrate --print").`,
  );
}
