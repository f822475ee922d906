/**
 * `migrate` for PostgreSQL and PGlite: one transaction under a transaction-scoped advisory lock
 * (two processes migrating at once wait for each other; DDL is transactional on PostgreSQL, so a
 * failure leaves nothing half-made). No DDL is issued when everything is already there, so a
 * least-privilege role can run an idempotent `migrate` without error. The steps are shared
 * (../reconcile.ts); this file reads the catalog and runs the DDL.
 */
import type { ExistingColumn } from '../migrations.js';
import { physicalName, type StoreNames } from '../names.js';
import { migrateTables, reconcileTable, schemaVersionOf, type SchemaDialect } from '../reconcile.js';
import type { MigrationReport } from '../store.js';
import { CONTRACT_VERSION, type TableDef } from '../tables.js';
import { run, type PgDriver, type PgQueryable } from './postgres-driver.js';
import {
  addColumnSql,
  createSchemaSql,
  createTableSql,
  indexStatements,
  widenColumnSql,
} from './postgres-ddl.js';
import {
  catalogColumnsSql,
  catalogIndexesSql,
  hasRowsSql,
  migrationLockSql,
  recordMigrationSql,
  schemaExistsSql,
} from './postgres-own-sql.js';
import { schemaVersionExistsSql, schemaVersionSql } from './postgres-read-sql.js';
import { columnType, q, qualified } from './postgres-sql.js';

function toExisting(r: Record<string, unknown>): ExistingColumn {
  const kinds: Record<string, string> = {
    // Unicode, whatever the length: PostgreSQL has no non-Unicode varchar (see compareColumn).
    'character varying': 'nvarchar',
    text: 'nvarchar',
    character: 'char',
    numeric: 'decimal',
    integer: 'int',
    bigint: 'bigint',
    boolean: 'boolean',
    date: 'date',
    'timestamp with time zone': 'timestamp',
    jsonb: 'json',
    json: 'json',
  };
  const dataType = String(r.data_type);
  const len = r.character_maximum_length;
  return {
    kind: kinds[dataType] ?? dataType,
    length: dataType === 'text' ? 'max' : len === null ? null : Number(len),
    precision: r.numeric_precision === null ? null : Number(r.numeric_precision),
    scale: r.numeric_scale === null ? null : Number(r.numeric_scale),
  };
}

async function existingColumns(
  tx: PgQueryable,
  names: StoreNames,
): Promise<Map<string, Map<string, ExistingColumn>>> {
  const { rows } = await run(tx, catalogColumnsSql(names.schema));
  const out = new Map<string, Map<string, ExistingColumn>>();
  for (const r of rows) {
    const t = String(r.table_name);
    if (!out.has(t)) out.set(t, new Map());
    out.get(t)?.set(String(r.column_name), toExisting(r));
  }
  return out;
}

export async function readSchemaVersion(
  db: PgQueryable,
  names: StoreNames,
): Promise<{ contractVersion: number; migrations: string[] } | null> {
  const { rows } = await run(db, schemaVersionExistsSql(names));
  if (!rows[0]?.present) return null;
  return schemaVersionOf((await run(db, schemaVersionSql(names))).rows);
}

function dialect(tx: PgQueryable, names: StoreNames): SchemaDialect {
  return {
    names,
    q,
    qualified,
    typeName: columnType,
    run: async (ddl) => void (await tx.query(ddl)),
    hasRows: async (t) => (await run(tx, hasRowsSql(names, t))).rows.length > 0,
    createTableSql: (t) => createTableSql(names, t),
    indexStatements: (t) => indexStatements(names, t),
    addColumnSql: (t, c) => addColumnSql(names, t, c),
    widenColumnSql: (t, c) => widenColumnSql(names, t, c),
    refusesIndexedWiden: false,
  };
}

export async function migratePostgres(
  driver: PgDriver,
  names: StoreNames,
  extraTables: readonly TableDef[],
): Promise<MigrationReport> {
  return driver.transaction(async (tx) => {
    await run(tx, migrationLockSql(names));
    const { rows: ns } = await run(tx, schemaExistsSql(names.schema));
    if (ns.length === 0) await tx.query(createSchemaSql(names.schema));
    const before = await readSchemaVersion(tx, names);
    const columns = await existingColumns(tx, names);
    const { rows: ix } = await run(tx, catalogIndexesSql(names.schema));
    // Index names are unique per schema: one map serves every table (columns are not needed,
    // PostgreSQL widens an indexed column itself).
    const indexes = new Map(ix.map((r) => [String(r.indexname), [] as string[]]));
    const d = dialect(tx, names);
    return migrateTables(
      before,
      extraTables,
      (t, contract) => {
        const cols = columns.get(physicalName(names, t));
        return reconcileTable(d, t, cols && { columns: cols, indexes }, contract);
      },
      async (m) => void (await run(tx, recordMigrationSql(names, m, CONTRACT_VERSION))),
    );
  });
}
