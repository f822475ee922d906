/**
 * `migrate` on SQL Server: one transaction under a Transaction-owned sp_getapplock (two
 * processes migrating at once wait for each other). Nothing is issued when everything is there.
 * The steps are shared (../reconcile.ts); this file reads the catalog and runs the DDL.
 */
import { applockResource, physicalName, type StoreNames } from '../names.js';
import { ServiceUnavailableError } from '../../errors.js';
import type { ExistingColumn } from '../migrations.js';
import { migrateTables, reconcileTable, schemaVersionOf, type SchemaDialect } from '../reconcile.js';
import type { MigrationReport } from '../store.js';
import { CONTRACT_VERSION, type TableDef } from '../tables.js';
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
import { q, qualified, columnType } from './mssql-sql.js';

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
  return schemaVersionOf((await db.run(schemaVersionSql(names))).rows);
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

function dialect(tx: MssqlExec, names: StoreNames, catalog: Catalog): SchemaDialect {
  return {
    names,
    q,
    qualified,
    typeName: columnType,
    run: async (text) => void (await tx.run(ddl(text))),
    hasRows: async (t) => (await tx.run(hasRowsSql(names, t))).rows.length > 0,
    createTableSql: (t) => createTableSql(names, t),
    indexStatements: (t) => indexStatements(names, t),
    addColumnSql: (t, c) => addColumnSql(names, t, c),
    widenColumnSql: (t, c) => widenColumnSql(names, t, c),
    refusesIndexedWiden: true,
    // Stream tables made before scalars were allowed have the object-only JSON check: replaced.
    afterColumn: async (t, c) => {
      if (c.type.kind !== 'json') return null;
      const ck = jsonCheck(names, t, c);
      const old = `${physicalName(names, t)}_ck_${c.name}`;
      if (ck.name === old || !catalog.checks.has(old) || catalog.checks.has(ck.name)) return null;
      await tx.run(ddl(replaceJsonCheckSql(names, t, c, old)));
      return `check:${ck.name}`;
    },
  };
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
    const d = dialect(tx, names, catalog);
    return migrateTables(
      before,
      extraTables,
      (t, contract) => {
        const name = physicalName(names, t);
        const columns = catalog.columns.get(name);
        const indexes = catalog.indexes.get(name) ?? new Map<string, string[]>();
        return reconcileTable(d, t, columns && { columns, indexes }, contract);
      },
      async (m) => void (await tx.run(recordMigrationSql(names, m, CONTRACT_VERSION))),
    );
  });
}
