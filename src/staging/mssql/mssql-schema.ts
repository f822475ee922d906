/**
 * `migrate` on SQL Server: one transaction under a Transaction-owned sp_getapplock (two
 * processes migrating at once wait for each other). Nothing is issued when everything is there.
 */
import { applockResource, physicalName, type StoreNames } from '../names.js';
import {
  compareColumn,
  CONTRACT_MIGRATION,
  incompatibleColumnError,
  migrationName,
  type ExistingColumn,
} from '../migrations.js';
import type { MigrationReport } from '../store.js';
import { CONTRACT_TABLES, CONTRACT_VERSION, type TableDef } from '../tables.js';
import {
  addColumnSql,
  createSchemaSql,
  createTableSql,
  indexStatements,
  widenColumnSql,
} from './mssql-ddl.js';
import type { MssqlDriver, MssqlExec } from './mssql-driver.js';
import {
  catalogColumnsSql,
  catalogIndexesSql,
  migrationLockSql,
  recordMigrationSql,
} from './mssql-own-sql.js';
import { schemaVersionExistsSql, schemaVersionSql } from './mssql-read-sql.js';
import { sqlType } from './mssql-sql.js';

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

async function reconcile(
  tx: MssqlExec,
  names: StoreNames,
  t: TableDef,
  existing: Map<string, ExistingColumn> | undefined,
  indexes: Set<string>,
): Promise<string[]> {
  const name = physicalName(names, t);
  if (!existing) {
    await tx.run(ddl(createTableSql(names, t)));
    for (const ix of indexStatements(names, t)) await tx.run(ddl(ix.text));
    return [`table:${name}`];
  }
  const changes: string[] = [];
  for (const c of t.columns) {
    const have = existing.get(c.name);
    if (!have) {
      await tx.run(ddl(addColumnSql(names, t, c)));
      changes.push(`column:${name}.${c.name}`);
      continue;
    }
    const compat = compareColumn(have, c.type);
    if (compat === 'incompatible') {
      const h = `${have.kind}${have.length !== null ? `(${have.length})` : have.precision !== null ? `(${have.precision},${have.scale})` : ''}`;
      throw incompatibleColumnError(name, c.name, h, sqlType(c.type));
    }
    if (compat === 'widen') {
      await tx.run(ddl(widenColumnSql(names, t, c)));
      changes.push(`widen:${name}.${c.name}`);
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
    await tx.run(migrationLockSql(applockResource(names, 'migrate')));
    await tx.run(ddl(createSchemaSql(names.schema)));
    const before = await readSchemaVersionMssql(tx, names);
    const cols = new Map<string, Map<string, ExistingColumn>>();
    for (const r of (await tx.run(catalogColumnsSql(names.schema))).rows) {
      const tn = String(r.table_name);
      if (!cols.has(tn)) cols.set(tn, new Map());
      cols.get(tn)?.set(String(r.column_name), toExisting(r));
    }
    const indexes = new Set((await tx.run(catalogIndexesSql(names.schema))).rows.map((r) => String(r.name)));
    const applied: string[] = [];
    const record = async (m: string): Promise<void> => {
      await tx.run(recordMigrationSql(names, migrationName(m), CONTRACT_VERSION));
      applied.push(migrationName(m));
    };
    const contractChanges: string[] = [];
    for (const t of CONTRACT_TABLES) {
      contractChanges.push(...(await reconcile(tx, names, t, cols.get(physicalName(names, t)), indexes)));
    }
    if (!before?.migrations.includes(CONTRACT_MIGRATION)) await record(CONTRACT_MIGRATION);
    else for (const c of contractChanges) await record(`upgrade:${c}`);
    for (const t of extraTables) {
      for (const c of await reconcile(tx, names, t, cols.get(physicalName(names, t)), indexes))
        await record(c);
    }
    return { applied, alreadyCurrent: applied.length === 0, contractVersion: CONTRACT_VERSION };
  });
}
