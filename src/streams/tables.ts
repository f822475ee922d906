/**
 * The staging table of a custom stream, derived from its definition with the same bookkeeping
 * columns as the contract tables (staging-tables.md): a push table is written like
 * `sagesync_customer` (payload_hash, UNIQUE (key, payload_hash), status/erp_message for X3,
 * staged_at, processed_at); a pull table like `sagesync_credit_limit` (status, sync_message,
 * created_at, processed_at). `migrate` and `migrate --print` take these as extra tables.
 */
import type { Config } from '../config/schema.js';
import type { ColumnDef, TableDef } from '../staging/tables.js';
import { parseSqlType } from './sql-types.js';
import type { StreamDef } from './types.js';

const bigint = { kind: 'bigint' } as const;
const ts = { kind: 'timestamp' } as const;
const vc10 = { kind: 'varchar', length: 10 } as const;
const msg = { kind: 'nvarchar', length: 1000 } as const;

function configured(def: StreamDef, key: readonly string[]): ColumnDef[] {
  return Object.entries(def.columns).map(([name, c]) => {
    const type = parseSqlType(c.type);
    // The schema rejected any other type text before a definition gets here.
    if (!type) throw new Error(`stream ${def.name}: column ${name} has no valid type`);
    return { name, type, nullable: !(c.required || key.includes(name)) };
  });
}

export function streamTable(def: StreamDef): TableDef {
  const id: ColumnDef = { name: 'staging_id', type: bigint, nullable: false, identity: true };
  const status: ColumnDef = {
    name: 'status',
    type: vc10,
    nullable: false,
    default: { kind: 'string', value: 'NEW' },
  };
  if (def.direction === 'push') {
    return {
      name: def.table,
      direction: 1,
      columns: [
        id,
        ...configured(def, def.key),
        { name: 'payload_hash', type: { kind: 'char', length: 64 }, nullable: false },
        status,
        { name: 'erp_message', type: msg, nullable: true },
        { name: 'staged_at', type: ts, nullable: false, default: { kind: 'now' } },
        { name: 'processed_at', type: ts, nullable: true },
      ],
      primaryKey: ['staging_id'],
      unique: [[...def.key, 'payload_hash']],
      foreignKeys: [],
      // The UNIQUE (key, payload_hash) index serves lookups by key.
      indexes: [['status']],
    };
  }
  return {
    name: def.table,
    direction: 2,
    columns: [
      id,
      ...configured(def, []),
      status,
      { name: 'sync_message', type: msg, nullable: true },
      { name: 'created_at', type: ts, nullable: false, default: { kind: 'now' } },
      { name: 'processed_at', type: ts, nullable: true },
    ],
    primaryKey: ['staging_id'],
    unique: [],
    foreignKeys: [],
    indexes: [['status', 'staging_id']],
  };
}

/** The tables of every configured stream, for `migrate` and `migrate --print`. */
export function streamTables(config: Pick<Config, 'streams'>): TableDef[] {
  return (config.streams ?? []).map(streamTable);
}
