/**
 * `migrate` on SQL Server: one transaction under a Transaction-owned sp_getapplock (two
 * processes migrating at once wait for each other). Nothing is issued when everything is there.
 */
import { applockResource, physicalName, type StoreNames } from '../names.js';
import { ServiceUnavailableError } from '../../errors.js';
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
} from '../migrations.js';
import type { MigrationReport } from '../store.js';
import { CONTRACT_TABLES, CONTRACT_VERSION, type TableDef } from '../tables.js';
import {
  addColumnSql,
  createSchemaSql,
  createTableSql,
  indexStatements,
  jsonCheck,
  replaceJsonCheckSql,
  widenColumnSql,
} from './mssql-ddl.js';
import type { MssqlDriver, MssqlExec } from './mssql-driver.js';
import {
  catalogChecksSql,
  catalogColumnsSql,
  catalogIndexesSql,
  hasRowsSql,
  MIGRATION_LOCK_ERROR,
  MIGRATION_LOCK_WAIT_MS,
  migrationLockSql,
  recordMigrationSql,
} from './mssql-own-sql.js';
import { schemaVersionExistsSql, schemaVersionSql } from './mssql-read-sql.js';
import { q, qualified, sqlType } from './mssql-sql.js';

const ddl = (text: string) => ({ text, params: [] });

function toExisting(r: Record<string, unknown>): ExistingColumn {
  const kinds: Record<string, string> = {
    nvarchar: 'nvarchar',
    varchar: 'varchar',
    char: 'char',
    nchar: 'char',
    decimal: 'decimal',
    numeric: 'decimal',
    int: 'int',
    bigint: 'bigint',
    bit: 'boolean',
    date: 'date',
    datetime2: 'timestamp',
  };
  const dt = String(r.data_type);
  const len = r.len === null || r.len === undefined ? null : Number(r.len);
  return {
    kind: kinds[dt] ?? dt,
    length: len === -1 ? 'max' : len,
    precision: r.prec === null || r.prec === undefined ? null : Number(r.prec),
    scale: r.scale === null || r.scale === undefined ? null : Number(r.scale),
  };
}

export async function readSchemaVersionMssql(
  db: MssqlExec,
  names: StoreNames,
): Promise<{ contractVersion: number; migrations: string[] } | null> {
  const { rows } = await db.run(schemaVersionExistsSql(names));
  if (rows[0]?.id === null || rows[0]?.id === undefined) return null;
  const res = await db.run(schemaVersionSql(names));
  return {
    contractVersion: Math.max(0, ...res.rows.map((r) => Number(r.contract_version))),
    migrations: res.rows.map((r) => String(r.migration)),
  };
}

/** What the catalog says about the schema, read once per migrate. */
interface Catalog {
  columns: Map<string, Map<string, ExistingColumn>>;
  /** table → index name → its columns (constraints' indexes included). */
  indexes: Map<string, Map<string, string[]>>;
  checks: Set<string>;
}

async function readCatalog(tx: MssqlExec, schema: string): Promise<Catalog> {
  const columns = new Map<string, Map<string, ExistingColumn>>();
  for (const r of (await tx.run(catalogColumnsSql(schema))).rows) {
    const tn = String(r.table_name);
    if (!columns.has(tn)) columns.set(tn, new Map());
    columns.get(tn)?.set(String(r.column_name), toExisting(r));
  }
  const indexes = new Map<string, Map<string, string[]>>();
  for (const r of (await tx.run(catalogIndexesSql(schema))).rows) {
    const tn = String(r.table_name);
    const byName = indexes.get(tn) ?? new Map<string, string[]>();
    indexes.set(tn, byName);
    byName.set(String(r.name), [...(byName.get(String(r.name)) ?? []), String(r.column_name)]);
  }
  const checks = new Set((await tx.run(catalogChecksSql(schema))).rows.map((r) => String(r.name)));
  return { columns, indexes, checks };
}

/** The keys the store relies on (PK: ids; UNIQUE: "already staged ⇒ skip"). */
function assertKeys(names: StoreNames, t: TableDef, has: (constraint: string) => boolean): void {
  const k = missingKey(names, t, has);
  if (!k) return;
  const ddl = `ALTER TABLE ${qualified(names, t)} ADD CONSTRAINT ${q(k.name)} ${k.kind} (${k.columns.map(q).join(', ')});`;
  throw missingConstraintError(`${names.schema}.${physicalName(names, t)}`, k.name, ddl);
}

async function reconcile(
  tx: MssqlExec,
  names: StoreNames,
  t: TableDef,
  catalog: Catalog,
  contract: boolean,
): Promise<string[]> {
  const name = physicalName(names, t);
  const existing = catalog.columns.get(name);
  if (!existing) {
    await tx.run(ddl(createTableSql(names, t)));
    for (const ix of indexStatements(names, t)) await tx.run(ddl(ix.text));
    return [`table:${name}`];
  }
  const indexes = catalog.indexes.get(name) ?? new Map<string, string[]>();
  assertKeys(names, t, (cn) => indexes.has(cn));
  const changes: string[] = [];
  let hasRows: boolean | undefined;
  for (const c of t.columns) {
    const have = existing.get(c.name);
    if (!have) {
      if (!c.nullable && !c.default && !c.identity) {
        hasRows ??= (await tx.run(hasRowsSql(names, t))).rows.length > 0;
        if (hasRows) throw requiredColumnError(name, c.name);
      }
      await tx.run(ddl(addColumnSql(names, t, c)));
      changes.push(`column:${name}.${c.name}`);
      continue;
    }
    const decision = reconcileDecision(compareColumn(have, c.type), contract);
    if (decision === 'refuse')
      throw incompatibleColumnError(name, c.name, existingText(have), sqlType(c.type));
    if (decision === 'refuse-shorter')
      throw shorterColumnError(name, c.name, existingText(have), sqlType(c.type));
    if (decision === 'widen') {
      const using = [...indexes].find(([, cols]) => cols.includes(c.name));
      if (using) throw indexedWidenError(name, c.name, using[0], sqlType(c.type));
      await tx.run(ddl(widenColumnSql(names, t, c)));
      changes.push(`widen:${name}.${c.name}`);
    }
    if (c.type.kind === 'json') {
      const ck = jsonCheck(names, t, c);
      const old = `${name}_ck_${c.name}`;
      if (ck.name !== old && catalog.checks.has(old) && !catalog.checks.has(ck.name)) {
        await tx.run(ddl(replaceJsonCheckSql(names, t, c, old)));
        changes.push(`check:${ck.name}`);
      }
    }
  }
  for (const ix of indexStatements(names, t)) {
    if (!indexes.has(ix.name)) {
      await tx.run(ddl(ix.text));
      changes.push(`index:${ix.name}`);
    }
  }
  return changes;
}

export async function migrateMssql(
  driver: MssqlDriver,
  names: StoreNames,
  extraTables: readonly TableDef[],
): Promise<MigrationReport> {
  return driver.transaction(async (tx) => {
    await tx.run(migrationLockSql(applockResource(names, 'migrate'))).catch((err: unknown) => {
      if ((err as { number?: unknown }).number !== MIGRATION_LOCK_ERROR) throw err;
      throw new ServiceUnavailableError(
        'database',
        `Another "sagesync migrate" held the migration lock of schema [${names.schema}] for ${MIGRATION_LOCK_WAIT_MS / 1000} s. Nothing was changed; run migrate again when it has finished.`,
        { cause: err },
      );
    });
    await tx.run(ddl(createSchemaSql(names.schema)));
    const before = await readSchemaVersionMssql(tx, names);
    const catalog = await readCatalog(tx, names.schema);
    const applied: string[] = [];
    const record = async (m: string): Promise<void> => {
      await tx.run(recordMigrationSql(names, migrationName(m), CONTRACT_VERSION));
      applied.push(migrationName(m));
    };
    const contractChanges: string[] = [];
    for (const t of CONTRACT_TABLES) {
      contractChanges.push(...(await reconcile(tx, names, t, catalog, true)));
    }
    if (!before?.migrations.includes(CONTRACT_MIGRATION)) await record(CONTRACT_MIGRATION);
    else for (const c of contractChanges) await record(`upgrade:${c}`);
    for (const m of CONTRACT_ADDITIONS) if (!before?.migrations.includes(m)) await record(m);
    for (const t of extraTables) {
      for (const c of await reconcile(tx, names, t, catalog, false)) await record(c);
    }
    return { applied, alreadyCurrent: applied.length === 0, contractVersion: CONTRACT_VERSION };
  });
}
