/**
 * A push stream's record mapping: its RecordSpec for the one generic mapper
 * (src/jobs/mapping/mapper.ts, the same one orders and customers use) and its payload hash.
 */
import { createHash } from 'node:crypto';
import type { JsonApiResource } from '../oro/types.js';
import type { Row } from '../staging/store.js';
import type { TableDef } from '../staging/tables.js';
import { mapRecord, type ColumnSource, type MapResult, type RecordSpec } from '../jobs/mapping/mapper.js';
import type { ResourceLookup } from '../jobs/mapping/paths.js';
import type { PushStreamDef } from './types.js';

const HASH_PLACEHOLDER = '0'.repeat(64);

export function pushSpec(def: PushStreamDef, table: TableDef): RecordSpec {
  const columns: Record<string, ColumnSource> = { payload_hash: { context: 'payloadHash' } };
  for (const [name, c] of Object.entries(def.columns)) columns[name] = { path: c.source };
  return { table, columns };
}

/** SHA-256 (hex) of the mapped columns in name order: equal values, equal hash. */
function payloadHash(row: Row, columns: readonly string[]): string {
  const pairs = [...columns].sort().map((c) => {
    const v = row[c] ?? null;
    return [c, v instanceof Date ? v.toISOString() : v];
  });
  return createHash('sha256').update(JSON.stringify(pairs)).digest('hex');
}

export function mapStreamRecord(
  def: PushStreamDef,
  spec: RecordSpec,
  resource: JsonApiResource,
  lookup: ResourceLookup,
): MapResult {
  const result = mapRecord(spec, { root: resource, lookup, context: { payloadHash: HASH_PLACEHOLDER } });
  result.row.payload_hash = payloadHash(result.row, Object.keys(def.columns));
  return result;
}
