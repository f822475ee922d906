/**
 * The parts of a table's DDL that both dialects derive the same way from its definition
 * (tables.ts): the column list followed by the PRIMARY KEY, UNIQUE and FOREIGN KEY constraints,
 * named by names.ts, and the indexes. Each dialect supplies its quoting and its column clause
 * (postgres/postgres-ddl.ts, mssql/mssql-ddl.ts) and wraps the body in its own guard.
 */
import { constraintName, physicalName, type StoreNames } from './names.js';
import type { ColumnDef, ColumnType, TableDef } from './tables.js';

type Kind = ColumnType['kind'];
type Spelling = readonly [mssql: string, postgres: string];

/**
 * Each column type as each dialect spells it, side by side: the one place a type's per-database
 * name is decided (docs/staging.md "Tables, names and types"). A contract string is Unicode on
 * both: `nvarchar` on SQL Server, `varchar`/`text` on PostgreSQL (every PostgreSQL string is).
 */
const SPELLINGS: { [K in Kind]: (t: Extract<ColumnType, { kind: K }>) => Spelling } = {
  nvarchar: (t) =>
    t.length === 'max' ? ['nvarchar(max)', 'text'] : [`nvarchar(${t.length})`, `varchar(${t.length})`],
  varchar: (t) => [`varchar(${t.length})`, `varchar(${t.length})`],
  char: (t) => [`char(${t.length})`, `char(${t.length})`],
  decimal: (t) => [`decimal(${t.precision},${t.scale})`, `numeric(${t.precision},${t.scale})`],
  int: () => ['int', 'integer'],
  bigint: () => ['bigint', 'bigint'],
  boolean: () => ['bit', 'boolean'],
  date: () => ['date', 'date'],
  timestamp: () => ['datetime2(3)', 'timestamptz'],
  json: () => ['nvarchar(max)', 'jsonb'],
};

export function typeSpelling(t: ColumnType): { mssql: string; postgres: string } {
  const [mssql, postgres] = (SPELLINGS[t.kind] as (t: ColumnType) => Spelling)(t);
  return { mssql, postgres };
}

export interface DdlQuoting {
  q(ident: string): string;
  qualified(names: StoreNames, table: TableDef | string): string;
}

/** `(\n  <columns>,\n  CONSTRAINT … PRIMARY KEY …,\n …\n)` */
export function tableBody(
  d: DdlQuoting,
  names: StoreNames,
  t: TableDef,
  columnSql: (c: ColumnDef) => string,
): string {
  const name = physicalName(names, t);
  const cols = (list: readonly string[]): string => list.map(d.q).join(', ');
  const lines = t.columns.map((c) => `  ${columnSql(c)}`);
  lines.push(
    `  CONSTRAINT ${d.q(constraintName(name, 'pk', t.primaryKey))} PRIMARY KEY (${cols(t.primaryKey)})`,
  );
  for (const u of t.unique) {
    lines.push(`  CONSTRAINT ${d.q(constraintName(name, 'uq', u))} UNIQUE (${cols(u)})`);
  }
  for (const fk of t.foreignKeys) {
    lines.push(
      `  CONSTRAINT ${d.q(constraintName(name, 'fk', fk.columns))} FOREIGN KEY (${cols(fk.columns)})` +
        ` REFERENCES ${d.qualified(names, fk.references)} (${cols(fk.referencedColumns)})`,
    );
  }
  return `(\n${lines.join(',\n')}\n)`;
}

/**
 * The indexes of a table: those its definition asks for, and one per foreign key not already
 * leading a UNIQUE key (X3 joins lines to headers through it). Named as names.ts names them.
 */
export function tableIndexes(names: StoreNames, t: TableDef): { name: string; columns: string[] }[] {
  const table = physicalName(names, t);
  const fkIndexes = t.foreignKeys
    .map((fk) => fk.columns)
    .filter((cols) => !t.unique.some((u) => u[0] === cols[0]));
  return [...t.indexes, ...fkIndexes].map((columns) => ({
    name: constraintName(table, 'ix', columns),
    columns,
  }));
}
