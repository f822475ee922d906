/**
 * T-SQL DDL derived from the portable table definitions. Pure: used by `migrate` and by
 * `migrate --print`. Each statement is guarded so it can run again (`IF OBJECT_ID … IS NULL`).
 */
import { constraintName, physicalName, type StoreNames } from '../names.js';
import type { ColumnDef, TableDef } from '../tables.js';
import { q, qualified, sqlType } from './mssql-sql.js';

function literal(text: string): string {
  return `N'${text.replace(/'/g, "''")}'`;
}

export function columnSql(names: StoreNames, t: TableDef, c: ColumnDef): string {
  const parts = [q(c.name), sqlType(c.type)];
  if (c.identity) parts.push('IDENTITY(1,1)');
  parts.push(c.nullable ? 'NULL' : 'NOT NULL');
  const table = physicalName(names, t);
  if (c.default) {
    const value = c.default.kind === 'now' ? 'SYSUTCDATETIME()' : literal(c.default.value);
    parts.push(`CONSTRAINT ${q(`${table}_df_${c.name}`)} DEFAULT ${value}`);
  }
  // nvarchar(max) has no validation of its own; jsonb on PostgreSQL has (SQL Server 2016+, A.8).
  if (c.type.kind === 'json')
    parts.push(`CONSTRAINT ${q(`${table}_ck_${c.name}`)} CHECK (ISJSON(${q(c.name)}) = 1)`);
  return parts.join(' ');
}

export function createTableSql(names: StoreNames, t: TableDef): string {
  const name = physicalName(names, t);
  const lines = t.columns.map((c) => `  ${columnSql(names, t, c)}`);
  lines.push(
    `  CONSTRAINT ${q(constraintName(name, 'pk', t.primaryKey))} PRIMARY KEY (${t.primaryKey.map(q).join(', ')})`,
  );
  for (const u of t.unique) {
    lines.push(`  CONSTRAINT ${q(constraintName(name, 'uq', u))} UNIQUE (${u.map(q).join(', ')})`);
  }
  for (const fk of t.foreignKeys) {
    lines.push(
      `  CONSTRAINT ${q(constraintName(name, 'fk', fk.columns))} FOREIGN KEY (${fk.columns.map(q).join(', ')})` +
        ` REFERENCES ${qualified(names, fk.references)} (${fk.referencedColumns.map(q).join(', ')})`,
    );
  }
  return `IF OBJECT_ID(${literal(`${names.schema}.${name}`)}, N'U') IS NULL\nCREATE TABLE ${qualified(names, t)} (\n${lines.join(',\n')}\n);`;
}

export function indexStatements(names: StoreNames, t: TableDef): { name: string; text: string }[] {
  const table = physicalName(names, t);
  const fkIndexes = t.foreignKeys
    .map((fk) => fk.columns)
    .filter((cols) => !t.unique.some((u) => u[0] === cols[0]));
  return [...t.indexes, ...fkIndexes].map((cols) => {
    const name = constraintName(table, 'ix', cols);
    return {
      name,
      text:
        `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = ${literal(name)} AND object_id = OBJECT_ID(${literal(`${names.schema}.${table}`)}))\n` +
        `CREATE INDEX ${q(name)} ON ${qualified(names, t)} (${cols.map(q).join(', ')});`,
    };
  });
}

export function createSchemaSql(schema: string): string {
  // CREATE SCHEMA must be alone in its batch, hence EXEC.
  return `IF SCHEMA_ID(${literal(schema)}) IS NULL EXEC(${literal(`CREATE SCHEMA ${q(schema)}`)});`;
}

export function addColumnSql(names: StoreNames, t: TableDef, c: ColumnDef): string {
  return `ALTER TABLE ${qualified(names, t)} ADD ${columnSql(names, t, c)};`;
}

export function widenColumnSql(names: StoreNames, t: TableDef, c: ColumnDef): string {
  return `ALTER TABLE ${qualified(names, t)} ALTER COLUMN ${q(c.name)} ${sqlType(c.type)} ${c.nullable ? 'NULL' : 'NOT NULL'};`;
}

export function schemaDdl(names: StoreNames, tables: readonly TableDef[]): string[] {
  const out = [createSchemaSql(names.schema)];
  for (const t of tables) out.push(createTableSql(names, t), ...indexStatements(names, t).map((i) => i.text));
  return out;
}
