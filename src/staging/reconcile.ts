/**
 * `migrate`'s steps that both dialects take the same way (postgres/postgres-schema.ts and
 * mssql/mssql-schema.ts only read their catalog and run their DDL): create a missing table with
 * its indexes, or add what an existing one lacks and refuse what would lose data; then record
 * what was applied under migrations.ts's names.
 */
import type { DdlQuoting } from './ddl.js';
import {
  compareColumn,
  CONTRACT_ADDITIONS,
  CONTRACT_MIGRATION,
  existingText,
  incompatibleColumnError,
  indexedWidenError,
  migrationName,
  missingConstraintError,
  missingKey,
  reconcileDecision,
  requiredColumnError,
  shorterColumnError,
  type ExistingColumn,
} from './migrations.js';
import { physicalName, type StoreNames } from './names.js';
import type { MigrationReport } from './store.js';
import {
  CONTRACT_TABLES,
  CONTRACT_VERSION,
  type ColumnDef,
  type ColumnType,
  type TableDef,
} from './tables.js';

/** What the catalog says about one table. */
export interface ExistingTable {
  columns: Map<string, ExistingColumn>;
  /** Index name → its columns (constraints' own indexes included; columns may be unknown: []). */
  indexes: Map<string, string[]>;
}

/** A dialect's DDL and the two reads reconciling needs, all inside migrate's transaction. */
export interface SchemaDialect extends DdlQuoting {
  names: StoreNames;
  /** The dialect's spelling of a column type, for messages. */
  typeName(type: ColumnType): string;
  run(ddl: string): Promise<void>;
  hasRows(t: TableDef): Promise<boolean>;
  createTableSql(t: TableDef): string;
  indexStatements(t: TableDef): { name: string; text: string }[];
  addColumnSql(t: TableDef, c: ColumnDef): string;
  widenColumnSql(t: TableDef, c: ColumnDef): string;
  /** SQL Server cannot alter a column an index uses (Msg 5074); PostgreSQL can. */
  refusesIndexedWiden: boolean;
  /** The dialect's own step for an existing column (SQL Server's JSON check): a change, or null. */
  afterColumn?(t: TableDef, c: ColumnDef): Promise<string | null>;
}

/** DDL for one table: create it, or add what is missing and refuse incompatible changes. */
export async function reconcileTable(
  d: SchemaDialect,
  t: TableDef,
  existing: ExistingTable | undefined,
  contract: boolean,
): Promise<string[]> {
  const name = physicalName(d.names, t);
  if (!existing) {
    await d.run(d.createTableSql(t));
    for (const ix of d.indexStatements(t)) await d.run(ix.text);
    return [`table:${name}`];
  }
  assertKeys(d, t, (cn) => existing.indexes.has(cn));
  const changes: string[] = [];
  let hasRows: boolean | undefined;
  for (const c of t.columns) {
    const have = existing.columns.get(c.name);
    if (!have) {
      if (!c.nullable && !c.default && !c.identity) {
        hasRows ??= await d.hasRows(t);
        if (hasRows) throw requiredColumnError(name, c.name);
      }
      await d.run(d.addColumnSql(t, c));
      changes.push(`column:${name}.${c.name}`);
      continue;
    }
    const want = d.typeName(c.type);
    const decision = reconcileDecision(compareColumn(have, c.type), contract);
    if (decision === 'refuse') throw incompatibleColumnError(name, c.name, existingText(have), want);
    if (decision === 'refuse-shorter') throw shorterColumnError(name, c.name, existingText(have), want);
    if (decision === 'widen') {
      const using = [...existing.indexes].find(([, cols]) => cols.includes(c.name));
      if (using && d.refusesIndexedWiden) throw indexedWidenError(name, c.name, using[0], want);
      await d.run(d.widenColumnSql(t, c));
      changes.push(`widen:${name}.${c.name}`);
    }
    const extra = await d.afterColumn?.(t, c);
    if (extra) changes.push(extra);
  }
  for (const ix of d.indexStatements(t)) {
    if (!existing.indexes.has(ix.name)) {
      await d.run(ix.text);
      changes.push(`index:${ix.name}`);
    }
  }
  return changes;
}

/** The keys the store relies on (PK: ids; UNIQUE: "already staged ⇒ skip"). */
function assertKeys(d: SchemaDialect, t: TableDef, has: (constraint: string) => boolean): void {
  const k = missingKey(d.names, t, has);
  if (!k) return;
  const ddl = `ALTER TABLE ${d.qualified(d.names, t)} ADD CONSTRAINT ${d.q(k.name)} ${k.kind} (${k.columns.map(d.q).join(', ')});`;
  throw missingConstraintError(`${d.names.schema}.${physicalName(d.names, t)}`, k.name, ddl);
}

/**
 * The contract tables, then `extraTables` (custom streams), each reconciled and recorded: the
 * contract migration once, later contract changes as `upgrade:…`, each addition by its name, each
 * change of a stream table by its own name.
 */
export async function migrateTables(
  before: { migrations: string[] } | null,
  extraTables: readonly TableDef[],
  reconcile: (t: TableDef, contract: boolean) => Promise<string[]>,
  record: (migration: string) => Promise<void>,
): Promise<MigrationReport> {
  const applied: string[] = [];
  const note = async (migration: string): Promise<void> => {
    await record(migrationName(migration));
    applied.push(migrationName(migration));
  };
  const contractChanges: string[] = [];
  for (const t of CONTRACT_TABLES) contractChanges.push(...(await reconcile(t, true)));
  if (!before?.migrations.includes(CONTRACT_MIGRATION)) await note(CONTRACT_MIGRATION);
  else for (const c of contractChanges) await note(`upgrade:${c}`);
  for (const m of CONTRACT_ADDITIONS) if (!before?.migrations.includes(m)) await note(m);
  for (const t of extraTables) for (const c of await reconcile(t, false)) await note(c);
  return { applied, alreadyCurrent: applied.length === 0, contractVersion: CONTRACT_VERSION };
}

/** `schema_version` rows → the version `schemaVersion()` reports. */
export function schemaVersionOf(rows: readonly Record<string, unknown>[]): {
  contractVersion: number;
  migrations: string[];
} {
  return {
    contractVersion: Math.max(0, ...rows.map((r) => Number(r.contract_version))),
    migrations: rows.map((r) => String(r.migration)),
  };
}
