/**
 * The staging-table contract v1 (docs/contract/staging-tables.md) as portable table
 * definitions. DDL for each dialect, the pre-insert value checks (never truncate), and custom
 * streams are all derived from these; nothing else spells a column list.
 */
export type ColumnType =
  | { kind: 'nvarchar'; length: number | 'max' }
  | { kind: 'varchar'; length: number }
  | { kind: 'char'; length: number }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'int' }
  | { kind: 'bigint' }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'json' };

export interface ColumnDef {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Identity primary key (bigint). */
  identity?: boolean;
  /** Server-side default. */
  default?: { kind: 'string'; value: string } | { kind: 'now' };
}

export interface TableDef {
  /** Name without prefix, e.g. `order_line`. */
  name: string;
  columns: ColumnDef[];
  primaryKey: string[];
  unique: string[][];
  foreignKeys: { columns: string[]; references: string; referencedColumns: string[] }[];
  /** Non-unique indexes that the jobs' queries need. */
  indexes: string[][];
  /** 1: sagesync inserts, X3 updates; 2: X3 inserts, sagesync updates; own: sagesync's. */
  direction: 1 | 2 | 'own';
}

const nv = (length: number | 'max'): ColumnType => ({ kind: 'nvarchar', length });
const vc = (length: number): ColumnType => ({ kind: 'varchar', length });
const ch = (length: number): ColumnType => ({ kind: 'char', length });
const money: ColumnType = { kind: 'decimal', precision: 19, scale: 4 };
const qty: ColumnType = { kind: 'decimal', precision: 20, scale: 6 };
const int: ColumnType = { kind: 'int' };
const bigint: ColumnType = { kind: 'bigint' };
const ts: ColumnType = { kind: 'timestamp' };
const json: ColumnType = { kind: 'json' };

const col = (name: string, type: ColumnType, nullable = true, extra: Partial<ColumnDef> = {}): ColumnDef => ({
  name,
  type,
  nullable,
  ...extra,
});
const id = col('staging_id', bigint, false, { identity: true });
const statusNew = col('status', vc(10), false, { default: { kind: 'string', value: 'NEW' } });
const createdNow = col('created_at', ts, false, { default: { kind: 'now' } });

export const ADDRESS_PARTS = [
  'organization',
  'first_name',
  'last_name',
  'street',
  'street2',
  'city',
  'postal_code',
  'region_code',
  'country_code',
  'phone',
] as const;
const addressLengths: Record<(typeof ADDRESS_PARTS)[number], number> = {
  organization: 255,
  first_name: 255,
  last_name: 255,
  street: 500,
  street2: 500,
  city: 255,
  postal_code: 50,
  region_code: 50,
  country_code: 2,
  phone: 50,
};
const address = (prefix: 'bill' | 'ship'): ColumnDef[] =>
  ADDRESS_PARTS.map((p) => col(`${prefix}_${p}`, p === 'country_code' ? ch(2) : nv(addressLengths[p])));

export const CUSTOMER: TableDef = {
  name: 'customer',
  direction: 1,
  columns: [
    id,
    col('oro_customer_id', int, false),
    col('erp_customer_code', nv(20)),
    col('name', nv(255), false),
    col('parent_oro_customer_id', int),
    col('group_name', nv(255)),
    col('payment_term', nv(255)),
    col('email', nv(255)),
    col('phone', nv(50)),
    ...address('bill'),
    col('custom_attributes', json, false),
    col('reason', vc(10), false),
    col('payload_hash', ch(64), false),
    statusNew,
    col('erp_message', nv(1000)),
    col('staged_at', ts, false, { default: { kind: 'now' } }),
    col('processed_at', ts),
  ],
  primaryKey: ['staging_id'],
  unique: [['oro_customer_id', 'payload_hash']],
  foreignKeys: [],
  indexes: [['status'], ['oro_customer_id']],
};

export const ORDER: TableDef = {
  name: 'order',
  direction: 1,
  columns: [
    id,
    col('oro_order_id', int, false),
    col('order_identifier', nv(255), false),
    col('po_number', nv(255)),
    col('customer_notes', nv('max')),
    col('oro_customer_id', int, false),
    col('erp_customer_code', nv(20)),
    col('oro_customer_user_id', int),
    col('customer_user_email', nv(255)),
    col('currency', ch(3), false),
    col('subtotal', money),
    col('total', money, false),
    col('shipping_cost', money),
    col('shipping_method', nv(255)),
    col('payment_method', nv(255)),
    col('payment_status', nv(255)),
    col('ship_until', { kind: 'date' }),
    col('order_created_at', ts, false),
    ...address('bill'),
    ...address('ship'),
    col('custom_attributes', json, false),
    statusNew,
    col('erp_message', nv(1000)),
    col('staged_at', ts, false, { default: { kind: 'now' } }),
    col('processed_at', ts),
    col('erp_order_number', nv(20)),
    // Contract addition 0002: the main order of a sub-order (orders.subOrders: split).
    col('parent_oro_order_id', int),
  ],
  primaryKey: ['staging_id'],
  unique: [['oro_order_id']],
  foreignKeys: [],
  indexes: [['status'], ['erp_order_number'], ['order_identifier']],
};

export const ORDER_LINE: TableDef = {
  name: 'order_line',
  direction: 1,
  columns: [
    id,
    col('order_staging_id', bigint, false),
    col('oro_order_id', int, false),
    col('oro_line_item_id', int, false),
    col('line_number', int, false),
    col('sku', nv(255), false),
    col('product_name', nv(255)),
    col('quantity', qty, false),
    col('unit_code', nv(50)),
    col('unit_price', money),
    col('currency', ch(3)),
    col('ship_by', { kind: 'date' }),
    col('custom_attributes', json, false),
    // Contract addition 0002: a product kit's components, `[]` for other lines.
    col('kit_items', json, false, { default: { kind: 'string', value: '[]' } }),
  ],
  primaryKey: ['staging_id'],
  unique: [['order_staging_id', 'oro_line_item_id']],
  foreignKeys: [{ columns: ['order_staging_id'], references: 'order', referencedColumns: ['staging_id'] }],
  indexes: [['oro_order_id']],
};

export const CREDIT_LIMIT: TableDef = {
  name: 'credit_limit',
  direction: 2,
  columns: [
    id,
    col('erp_customer_code', nv(20), false),
    col('oro_customer_id', int),
    col('credit_limit', money, false),
    col('currency', ch(3)),
    statusNew,
    col('sync_message', nv(1000)),
    createdNow,
    col('processed_at', ts),
  ],
  primaryKey: ['staging_id'],
  unique: [],
  foreignKeys: [],
  indexes: [['status', 'staging_id']],
};

export const SHIPMENT: TableDef = {
  name: 'shipment',
  direction: 2,
  columns: [
    id,
    col('oro_order_id', int),
    col('erp_order_number', nv(20)),
    col('order_identifier', nv(255)),
    col('carrier', nv(100), false),
    col('tracking_number', nv(255), false),
    col('erp_delivery_number', nv(20)),
    col('shipped_at', ts),
    statusNew,
    col('sync_message', nv(1000)),
    createdNow,
    col('processed_at', ts),
  ],
  primaryKey: ['staging_id'],
  unique: [],
  foreignKeys: [],
  indexes: [['status', 'staging_id']],
};

export const CUSTOMER_MAP: TableDef = {
  name: 'customer_map',
  direction: 'own',
  columns: [
    col('oro_customer_id', int, false),
    col('erp_customer_code', nv(20), false),
    col('learnt_from_staging_id', bigint),
    col('updated_at', ts, false, { default: { kind: 'now' } }),
  ],
  primaryKey: ['oro_customer_id'],
  unique: [['erp_customer_code']],
  foreignKeys: [],
  indexes: [],
};

export const STATE: TableDef = {
  name: 'state',
  direction: 'own',
  columns: [
    col('job', vc(100), false),
    col('cursor_value', nv(1000)),
    col('updated_at', ts, false, { default: { kind: 'now' } }),
  ],
  primaryKey: ['job'],
  unique: [],
  foreignKeys: [],
  indexes: [],
};

export const RUN: TableDef = {
  name: 'run',
  direction: 'own',
  columns: [
    id,
    col('job', vc(100), false),
    col('command', vc(100), false),
    col('host', nv(255), false),
    col('pid', int),
    col('started_at', ts, false, { default: { kind: 'now' } }),
    col('finished_at', ts),
    col('outcome', vc(20)),
    col('counts', json),
    col('message', nv(4000)),
  ],
  primaryKey: ['staging_id'],
  unique: [],
  foreignKeys: [],
  indexes: [['job', 'started_at']],
};

export const QUARANTINE: TableDef = {
  name: 'quarantine',
  direction: 'own',
  columns: [
    id,
    col('job', vc(100), false),
    col('entity', vc(100), false),
    col('entity_id', vc(100), false),
    col('attempts', int, false),
    col('last_error', nv(4000), false),
    col('first_failed_at', ts, false, { default: { kind: 'now' } }),
    col('last_failed_at', ts, false, { default: { kind: 'now' } }),
    col('next_attempt_at', ts, false),
    col('resolved_at', ts),
  ],
  primaryKey: ['staging_id'],
  unique: [['job', 'entity', 'entity_id']],
  foreignKeys: [],
  indexes: [['job', 'next_attempt_at']],
};

export const ALERT: TableDef = {
  name: 'alert',
  direction: 'own',
  columns: [
    col('fingerprint', ch(64), false),
    col('summary', nv(1000), false),
    col('first_seen_at', ts, false, { default: { kind: 'now' } }),
    col('last_seen_at', ts, false, { default: { kind: 'now' } }),
    col('occurrences', int, false),
    col('last_sent_at', ts),
    col('cleared_at', ts),
    // Added in contract 1.1 (issue 19): what was e-mailed and what joined since (alert-plan.ts).
    col('digest', json),
  ],
  primaryKey: ['fingerprint'],
  unique: [],
  foreignKeys: [],
  indexes: [],
};

export const SCHEMA_VERSION: TableDef = {
  name: 'schema_version',
  direction: 'own',
  columns: [
    col('migration', vc(100), false),
    col('contract_version', int, false),
    col('applied_at', ts, false, { default: { kind: 'now' } }),
  ],
  primaryKey: ['migration'],
  unique: [],
  foreignKeys: [],
  indexes: [],
};

export const CONTRACT_VERSION = 1;

/** In creation order (referenced tables first). */
/** Columns of contract additions (migrations.ts CONTRACT_ADDITIONS), for `migrate --print` upgrades. */
export const ADDED_COLUMNS: readonly (readonly [TableDef, string])[] = [
  [ORDER, 'parent_oro_order_id'],
  [ORDER_LINE, 'kit_items'],
];

export const CONTRACT_TABLES: readonly TableDef[] = [
  SCHEMA_VERSION,
  CUSTOMER,
  ORDER,
  ORDER_LINE,
  CREDIT_LIMIT,
  SHIPMENT,
  CUSTOMER_MAP,
  STATE,
  RUN,
  QUARANTINE,
  ALERT,
];

export function column(table: TableDef, name: string): ColumnDef {
  const c = table.columns.find((x) => x.name === name);
  if (!c) throw new Error(`column ${table.name}.${name} is not in the contract`);
  return c;
}

/** Tables whose rows move through `status` (direction 1 and 2, and custom streams): `status`. */
export function backlogTables(extraTables: readonly TableDef[] = []): TableDef[] {
  return [CUSTOMER, ORDER, CREDIT_LIMIT, SHIPMENT, ...extraTables].filter((t) =>
    t.columns.some((c) => c.name === 'status'),
  );
}

/** When a row of the table entered the backlog: `staged_at` (written by sagesync) or `created_at`. */
export function backlogTimestamp(table: TableDef): 'staged_at' | 'created_at' {
  return table.columns.some((c) => c.name === 'staged_at') ? 'staged_at' : 'created_at';
}
