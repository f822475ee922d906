/**
 * Migration bookkeeping shared by both dialects. The contract tables are migration
 * `0001_contract_v1`; custom-stream tables (extraTables) are reconciled on every migrate and each
 * change is recorded under its own name.
 */
import { ConfigError, SchemaVersionError } from '../errors.js';
import { CONTRACT_VERSION, type ColumnType } from './tables.js';

export const CONTRACT_MIGRATION = '0001_contract_v1';

/** What a catalog says about an existing column, in portable terms. */
export interface ExistingColumn {
  /** Our ColumnType kind, or the server's type name when it maps to none. */
  kind: ColumnType['kind'] | string;
  length: number | 'max' | null;
  precision: number | null;
  scale: number | null;
}

export type Compat = 'ok' | 'widen' | 'incompatible';

/**
 * An existing column can stay when it holds every value the definition allows. A shorter
 * string column is widened (never loses data); anything else different is refused.
 */
export function compareColumn(existing: ExistingColumn, want: ColumnType): Compat {
  // SQL Server keeps JSON in nvarchar(max) (fact sheet A.8).
  if (want.kind === 'json' && existing.kind === 'nvarchar')
    return existing.length === 'max' ? 'ok' : 'incompatible';
  const stringKinds = ['nvarchar', 'varchar'];
  if (stringKinds.includes(want.kind) && stringKinds.includes(existing.kind)) {
    const wantLen = 'length' in want ? want.length : 'max';
    if (existing.length === 'max' || existing.length === null) return 'ok';
    if (wantLen === 'max') return 'widen';
    return existing.length >= wantLen ? 'ok' : 'widen';
  }
  if (existing.kind !== want.kind) return 'incompatible';
  if (want.kind === 'char') return existing.length === want.length ? 'ok' : 'incompatible';
  if (want.kind === 'decimal') {
    if (existing.scale !== want.scale) return 'incompatible';
    return (existing.precision ?? 0) >= want.precision ? 'ok' : 'incompatible';
  }
  return 'ok';
}

export function incompatibleColumnError(
  table: string,
  column: string,
  have: string,
  want: string,
): ConfigError {
  return new ConfigError([
    {
      path: `streams.${table}.columns.${column}`,
      source: 'staging database',
      message: `column ${table}.${column} exists as ${have} but the configuration expects ${want}; sagesync will not change it (data could be lost). Rename the column in the configuration or convert it by hand.`,
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
  if (version.contractVersion > CONTRACT_VERSION) {
    throw new SchemaVersionError(
      'database',
      `The staging tables in ${where} are at contract version ${version.contractVersion}, newer than this sagesync (${CONTRACT_VERSION}). Upgrade sagesync.`,
    );
  }
}
