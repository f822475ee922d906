/**
 * T-SQL DDL derived from the portable table definitions (the shared part in ../ddl.ts). Pure: used by `migrate` and by
 * `migrate --print`. Each statement is guarded so it can run again (`IF OBJECT_ID … IS NULL`).
 */
import { tableBody, tableIndexes } from '../ddl.js';
import { physicalName, type StoreNames } from '../names.js';
import { CONTRACT_TABLES, type ColumnDef, type TableDef } from '../tables.js';
import { q, qualified, columnType } from './mssql-sql.js';

function literal(text: string): string {
  return `N'${text.replace(/'/g, "''")}'`;
}

function columnSql(names: StoreNames, t: TableDef, c: ColumnDef): string {
  const parts = [q(c.name), columnType(c.type)];
  if (c.identity) parts.push('IDENTITY(1,1)');
  parts.push(c.nullable ? 'NULL' : 'NOT NULL');
  const table = physicalName(names, t);
  if (c.default) {
    const value = c.default.kind === 'now' ? 'SYSUTCDATETIME()' : literal(c.default.value);
    parts.push(`CONSTRAINT ${q(`${table}_df_${c.name}`)} DEFAULT ${value}`);
  }
  // nvarchar(max) has no validation of its own; jsonb on PostgreSQL has (ISJSON, SQL Server 2016+:
  // https://learn.microsoft.com/sql/t-sql/functions/isjson-transact-sql).
  if (c.type.kind === 'json') {
    const ck = jsonCheck(names, t, c);
    parts.push(`CONSTRAINT ${q(ck.name)} CHECK (${ck.expr})`);
  }
  return parts.join(' ');
}

/**
 * The CHECK of a JSON column. `ISJSON(x) = 1` holds only for an object or an array before SQL
 * Server 2022 (learn.microsoft.com/sql/t-sql/functions/isjson-transact-sql: "Returns 1 if the
 * string contains valid JSON"; the json_type_constraint argument that admits scalars is 2022+).
 * A contract table's `custom_attributes` is always an object; a custom stream's json column may
 * hold a scalar (a to-one relationship's id, a string), so it is checked wrapped in an array:
 * one JSON value (or a comma-separated list of them) passes. sagesync itself only ever writes
 * one JSON.stringify value.
 */
export function jsonCheck(names: StoreNames, t: TableDef, c: ColumnDef): { name: string; expr: string } {
  const table = physicalName(names, t);
  if (CONTRACT_TABLES.some((ct) => ct.name === t.name))
    return { name: `${table}_ck_${c.name}`, expr: `ISJSON(${q(c.name)}) = 1` };
  return { name: `${table}_ckv_${c.name}`, expr: `ISJSON(N'[' + ${q(c.name)} + N']') = 1` };
}

/** Replaces the object-only CHECK that stream tables had before (defect: scalars refused). */
export function replaceJsonCheckSql(names: StoreNames, t: TableDef, c: ColumnDef, old: string): string {
  const ck = jsonCheck(names, t, c);
  return (
    `ALTER TABLE ${qualified(names, t)} DROP CONSTRAINT ${q(old)};\n` +
    `ALTER TABLE ${qualified(names, t)} ADD CONSTRAINT ${q(ck.name)} CHECK (${ck.expr});`
  );
}

export function createTableSql(names: StoreNames, t: TableDef): string {
  const name = physicalName(names, t);
  const body = tableBody({ q, qualified }, names, t, (c) => columnSql(names, t, c));
  return `IF OBJECT_ID(${literal(`${names.schema}.${name}`)}, N'U') IS NULL\nCREATE TABLE ${qualified(names, t)} ${body};`;
}

export function indexStatements(names: StoreNames, t: TableDef): { name: string; text: string }[] {
  const table = physicalName(names, t);
  return tableIndexes(names, t).map(({ name, columns }) => ({
    name,
    text:
      `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = ${literal(name)} AND object_id = OBJECT_ID(${literal(`${names.schema}.${table}`)}))\n` +
      `CREATE INDEX ${q(name)} ON ${qualified(names, t)} (${columns.map(q).join(', ')});`,
  }));
}

export function createSchemaSql(schema: string): string {
  // CREATE SCHEMA must be alone in its batch, hence EXEC.
  return `IF SCHEMA_ID(${literal(schema)}) IS NULL EXEC(${literal(`CREATE SCHEMA ${q(schema)}`)});`;
}

export function addColumnSql(names: StoreNames, t: TableDef, c: ColumnDef): string {
  return `ALTER TABLE ${qualified(names, t)} ADD ${columnSql(names, t, c)};`;
}

export function widenColumnSql(names: StoreNames, t: TableDef, c: ColumnDef): string {
  return `ALTER TABLE ${qualified(names, t)} ALTER COLUMN ${q(c.name)} ${columnType(c.type)} ${c.nullable ? 'NULL' : 'NOT NULL'};`;
}

export function schemaDdl(names: StoreNames, tables: readonly TableDef[]): string[] {
  const out = [createSchemaSql(names.schema)];
  for (const t of tables) out.push(createTableSql(names, t), ...indexStatements(names, t).map((i) => i.text));
  return out;
}
