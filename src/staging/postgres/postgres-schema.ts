/**
 * `migrate` for PostgreSQL and PGlite: one transaction under a transaction-scoped advisory lock
 * (two processes migrating at once wait for each other; DDL is transactional on PostgreSQL, so a
 * failure leaves nothing half-made). No DDL is issued when everything is already there, so a
 * least-privilege role can run an idempotent `migrate` without error.
 */
import { advisoryKey, physicalName, type StoreNames } from '../names.js';
import {
  compareColumn,
  CONTRACT_ADDITIONS,
  CONTRACT_MIGRATION,
  existingText,
  incompatibleColumnError,
  migrationName,
  missingConstraintError,
  missingKey,
  reconcileDecision,
  requiredColumnError,
  shorterColumnError,
  type ExistingColumn,
} from '../migrations.js';
import type { MigrationReport } from '../store.js';
import { CONTRACT_TABLES, CONTRACT_VERSION, SCHEMA_VERSION, type TableDef } from '../tables.js';
import type { PgDriver, PgQueryable } from './postgres-driver.js';
import { addColumnSql, createTableSql, indexSql, pgType, q, qualified } from './postgres-ddl.js';

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
  const { rows } = await tx.query(
    `SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale
       FROM information_schema.columns WHERE table_schema = $1`,
    [names.schema],
  );
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
  const { rows } = await db.query('SELECT to_regclass($1) IS NOT NULL AS present', [
    qualified(names, SCHEMA_VERSION),
  ]);
  if (!rows[0]?.present) return null;
  const res = await db.query(
    `SELECT migration, contract_version FROM ${qualified(names, SCHEMA_VERSION)} ORDER BY applied_at, migration`,
  );
  return {
    contractVersion: Math.max(0, ...res.rows.map((r) => Number(r.contract_version))),
    migrations: res.rows.map((r) => String(r.migration)),
  };
}

/** DDL for one table: create it, or add what is missing and refuse incompatible changes. */
async function reconcileTable(
  tx: PgQueryable,
  names: StoreNames,
  t: TableDef,
  existing: Map<string, ExistingColumn> | undefined,
  indexNames: Set<string>,
  contract: boolean,
): Promise<string[]> {
  const name = physicalName(names, t);
  if (!existing) {
    await tx.query(createTableSql(names, t));
    for (const s of indexSql(names, t)) await tx.query(s);
    return [`table:${name}`];
  }
  assertKeys(names, t, (cn) => indexNames.has(cn));
  const changes: string[] = [];
  let hasRows: boolean | undefined;
  for (const c of t.columns) {
    const have = existing.get(c.name);
    if (!have) {
      if (!c.nullable && !c.default && !c.identity) {
        hasRows ??= (await tx.query(`SELECT 1 FROM ${qualified(names, t)} LIMIT 1`)).rows.length > 0;
        if (hasRows) throw requiredColumnError(name, c.name);
      }
      await tx.query(addColumnSql(names, t, c));
      changes.push(`column:${name}.${c.name}`);
      continue;
    }
    const decision = reconcileDecision(compareColumn(have, c.type), contract);
    if (decision === 'refuse')
      throw incompatibleColumnError(name, c.name, existingText(have), pgType(c.type));
    if (decision === 'refuse-shorter')
      throw shorterColumnError(name, c.name, existingText(have), pgType(c.type));
    if (decision === 'widen') {
      await tx.query(`ALTER TABLE ${qualified(names, t)} ALTER COLUMN ${q(c.name)} TYPE ${pgType(c.type)}`);
      changes.push(`widen:${name}.${c.name}`);
    }
  }
  for (const s of indexSql(names, t)) {
    const ix = s.match(/EXISTS "([^"]+)"/)?.[1];
    if (ix && !indexNames.has(ix)) {
      await tx.query(s);
      changes.push(`index:${ix}`);
    }
  }
  return changes;
}

/** The keys the store relies on (PK: ids; UNIQUE: "already staged ⇒ skip"). */
function assertKeys(names: StoreNames, t: TableDef, has: (constraint: string) => boolean): void {
  const k = missingKey(names, t, has);
  if (!k) return;
  const ddl = `ALTER TABLE ${qualified(names, t)} ADD CONSTRAINT ${q(k.name)} ${k.kind} (${k.columns.map(q).join(', ')});`;
  throw missingConstraintError(`${names.schema}.${physicalName(names, t)}`, k.name, ddl);
}

export async function migratePostgres(
  driver: PgDriver,
  names: StoreNames,
  extraTables: readonly TableDef[],
): Promise<MigrationReport> {
  return driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', advisoryKey(names, 'migrate'));
    const { rows: ns } = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schema]);
    if (ns.length === 0) await tx.query(`CREATE SCHEMA IF NOT EXISTS ${q(names.schema)}`);
    const before = await readSchemaVersion(tx, names);
    const columns = await existingColumns(tx, names);
    const { rows: ix } = await tx.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [
      names.schema,
    ]);
    const indexNames = new Set(ix.map((r) => String(r.indexname)));
    const applied: string[] = [];
    const contractChanges: string[] = [];
    for (const t of CONTRACT_TABLES) {
      contractChanges.push(
        ...(await reconcileTable(tx, names, t, columns.get(physicalName(names, t)), indexNames, true)),
      );
    }
    const record = async (migration: string): Promise<void> => {
      await tx.query(
        `INSERT INTO ${qualified(names, SCHEMA_VERSION)} (migration, contract_version) VALUES ($1, $2)
           ON CONFLICT (migration) DO NOTHING`,
        [migrationName(migration), CONTRACT_VERSION],
      );
      applied.push(migrationName(migration));
    };
    if (!before?.migrations.includes(CONTRACT_MIGRATION)) await record(CONTRACT_MIGRATION);
    else for (const c of contractChanges) await record(`upgrade:${c}`);
    for (const m of CONTRACT_ADDITIONS) if (!before?.migrations.includes(m)) await record(m);
    for (const t of extraTables) {
      const changes = await reconcileTable(
        tx,
        names,
        t,
        columns.get(physicalName(names, t)),
        indexNames,
        false,
      );
      for (const c of changes) await record(c);
    }
    return { applied, alreadyCurrent: applied.length === 0, contractVersion: CONTRACT_VERSION };
  });
}
