/**
 * Migration bookkeeping shared by both dialects. The contract tables are migration
 * `0001_contract_v1`; custom-stream tables (extraTables) are reconciled on every migrate and each
 * change is recorded under its own name.
 */
import { ConfigError, SchemaVersionError } from '../errors.js';
import { constraintName, physicalName, type StoreNames } from './names.js';
import { CONTRACT_VERSION, type ColumnType, type TableDef } from './tables.js';

export const CONTRACT_MIGRATION = '0001_contract_v1';
/**
 * Additions to contract version 1 (new nullable or defaulted columns, staging-tables.md version
 * note): `migrate` adds their columns (contract tables are reconciled) and records each name; the
 * jobs refuse a database without them, as they would fail to write their rows.
 */
export const CONTRACT_ADDITIONS: readonly string[] = ['0002_order_parent_and_kit_items'];

/** What a catalog says about an existing column, in portable terms. */
export interface ExistingColumn {
  /** Our ColumnType kind, or the server's type name when it maps to none. */
  kind: ColumnType['kind'] | string;
  length: number | 'max' | null;
  precision: number | null;
  scale: number | null;
}

export type Compat = 'ok' | 'widen' | 'shorter' | 'incompatible';

/**
 * An existing column can stay when it holds every value the definition allows. A shorter
 * string column is widened (never loses data); a longer one is `shorter` (the definition asks
 * for less than the table has: refused for custom streams, docs/streams.md); anything else
 * different is refused. A non-Unicode `varchar` never stands for an `nvarchar`: SQL Server would
 * turn what its code page lacks into `?` silently (learn.microsoft.com/sql/t-sql/data-types/
 * char-and-varchar-transact-sql). PostgreSQL's strings are reported as `nvarchar` (they are
 * Unicode), so only SQL Server's varchar meets this rule.
 */
export function compareColumn(existing: ExistingColumn, want: ColumnType): Compat {
  // SQL Server keeps JSON in nvarchar(max) (docs/staging.md).
  if (want.kind === 'json' && existing.kind === 'nvarchar')
    return existing.length === 'max' ? 'ok' : 'incompatible';
  const stringKinds = ['nvarchar', 'varchar'];
  if (stringKinds.includes(want.kind) && stringKinds.includes(existing.kind)) {
    if (want.kind === 'nvarchar' && existing.kind === 'varchar') return 'incompatible';
    const wantLen = 'length' in want ? want.length : 'max';
    if (existing.length === null || existing.length === wantLen) return 'ok';
    if (existing.length === 'max') return 'shorter';
    if (wantLen === 'max') return 'widen';
    return existing.length > wantLen ? 'shorter' : 'widen';
  }
  if (existing.kind !== want.kind) return 'incompatible';
  if (want.kind === 'char') return existing.length === want.length ? 'ok' : 'incompatible';
  if (want.kind === 'decimal') {
    if (existing.scale !== want.scale) return 'incompatible';
    return (existing.precision ?? 0) >= want.precision ? 'ok' : 'incompatible';
  }
  return 'ok';
}

/** The catalog's column type as text, for messages: `nvarchar(30)`, `decimal(19,4)`. */
export function existingText(have: ExistingColumn): string {
  const size =
    have.length !== null
      ? `(${have.length})`
      : have.precision !== null
        ? `(${have.precision},${have.scale})`
        : '';
  return `${have.kind}${size}`;
}

function columnProblem(table: string, column: string, message: string): ConfigError {
  return new ConfigError([
    { path: `streams.${table}.columns.${column}`, source: 'staging database', message },
  ]);
}

export function incompatibleColumnError(
  table: string,
  column: string,
  have: string,
  want: string,
): ConfigError {
  const unicode = /^varchar/.test(have) && /^nvarchar/.test(want);
  return columnProblem(
    table,
    column,
    unicode
      ? `column ${table}.${column} exists as ${have}, which cannot hold Unicode (SQL Server turns such characters into "?" silently), but the contract expects ${want}. Convert it by hand: ALTER TABLE ${table} ALTER COLUMN ${column} ${want} (keeping its NULL/NOT NULL).`
      : `column ${table}.${column} exists as ${have} but the configuration expects ${want}; sagesync will not change it (data could be lost). Rename the column in the configuration or convert it by hand.`,
  );
}

/**
 * Decides what `compareColumn`'s answer means for a table: a contract column that a DBA made
 * longer stays; a stream column configured shorter than the table's is refused (docs/streams.md).
 */
export function reconcileDecision(
  compat: Compat,
  contract: boolean,
): 'ok' | 'widen' | 'refuse-shorter' | 'refuse' {
  if (compat === 'shorter') return contract ? 'ok' : 'refuse-shorter';
  return compat === 'incompatible' ? 'refuse' : compat;
}

export function shorterColumnError(table: string, column: string, have: string, want: string): ConfigError {
  return columnProblem(
    table,
    column,
    `column ${table}.${column} exists as ${have} but the configuration asks for ${want}; sagesync does not shorten a column (longer values would be cut). Set the configured length back to at least the existing one, or shorten the column by hand.`,
  );
}

/** Adding a NOT NULL column without a default to a table with rows fails (SQL Server Msg 4901; PostgreSQL 23502). */
export function requiredColumnError(table: string, column: string): ConfigError {
  return columnProblem(
    table,
    column,
    `column ${table}.${column} is new and required (a key or "required: true"), but ${table} already has rows, which would have no value for it. Add it without "required" first, fill it, then make it required; or add and fill it by hand.`,
  );
}

/** SQL Server cannot widen a column an index or key uses (Msg 5074 "… is dependent on column"). */
export function indexedWidenError(table: string, column: string, index: string, want: string): ConfigError {
  return columnProblem(
    table,
    column,
    `column ${table}.${column} must be widened to ${want}, but the index ${index} uses it and SQL Server cannot alter an indexed column (Msg 5074). Drop ${index}, run ALTER TABLE ${table} ALTER COLUMN ${column} ${want}, then run "sagesync migrate" again to recreate it.`,
  );
}

/** The PRIMARY KEY and UNIQUE keys of `t` (by the names both dialects give them) that `has` lacks. */
export function missingKey(
  names: StoreNames,
  t: TableDef,
  has: (constraint: string) => boolean,
): { name: string; kind: 'PRIMARY KEY' | 'UNIQUE'; columns: string[] } | null {
  const table = physicalName(names, t);
  const keys = [
    { name: constraintName(table, 'pk', t.primaryKey), kind: 'PRIMARY KEY' as const, columns: t.primaryKey },
    ...t.unique.map((u) => ({ name: constraintName(table, 'uq', u), kind: 'UNIQUE' as const, columns: u })),
  ];
  return keys.find((k) => !has(k.name)) ?? null;
}

/** An existing table lacks a key the contract relies on (idempotency, ids). */
export function missingConstraintError(table: string, constraint: string, ddl: string): ConfigError {
  return new ConfigError([
    {
      path: `staging.tables.${table}`,
      source: 'staging database',
      message: `table ${table} exists without the constraint ${constraint} that sagesync relies on (duplicates would go unnoticed). Add it by hand, after removing any duplicate rows: ${ddl}`,
    },
  ]);
}

export function migrationName(text: string): string {
  return text.length <= 100 ? text : text.slice(0, 100);
}

export function assertCurrent(
  version: { contractVersion: number; migrations: string[] } | null,
  where: string,
): void {
  if (!version || !version.migrations.includes(CONTRACT_MIGRATION)) {
    throw new SchemaVersionError(
      'database',
      `The staging tables in ${where} do not exist or are older than contract version ${CONTRACT_VERSION}. Run "sagesync migrate" (or have a DBA apply "sagesync migrate --print").`,
    );
  }
  // At contract version 1 but without an addition this sagesync writes to: name what is missing.
  const missing = CONTRACT_ADDITIONS.filter((m) => !version.migrations.includes(m));
  if (missing.length > 0) {
    throw new SchemaVersionError(
      'database',
      `The staging tables in ${where} lack the contract addition${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that this sagesync writes to (an upgrade adds columns). Run "sagesync migrate" (or have a DBA apply "sagesync migrate --print").`,
    );
  }
  if (version.contractVersion > CONTRACT_VERSION) {
    throw new SchemaVersionError(
      'database',
      `The staging tables in ${where} are at contract version ${version.contractVersion}, newer than this sagesync (${CONTRACT_VERSION}). Upgrade sagesync.`,
    );
  }
}
