/**
 * A SQL Server catalog for the fake driver: what INFORMATION_SCHEMA.COLUMNS, sys.indexes and
 * sys.check_constraints would answer for tables created by `migrate`, with one table changed by
 * the test (a DBA's column, a missing constraint, an old CHECK).
 */
import { CONTRACT_ADDITIONS, CONTRACT_MIGRATION } from '../../../src/staging/migrations.js';
import { constraintName, physicalName, type StoreNames } from '../../../src/staging/names.js';
import { indexStatements, jsonCheck } from '../../../src/staging/mssql/mssql-ddl.js';
import { columnType } from '../../../src/staging/mssql/mssql-sql.js';
import type { TableDef } from '../../../src/staging/tables.js';
import type { FakeServer } from './fake-mssql.js';

type R = Record<string, unknown>;

export interface CatalogTweak {
  /** Replace a column's catalog type: `varchar(255)`, `nvarchar(30)`. */
  columns?: Record<string, string>;
  dropColumns?: string[];
  dropIndexes?: string[];
  /** CHECK constraint names the table has instead of today's. */
  checks?: string[];
  hasRows?: boolean;
}

function columnRow(table: string, column: string, type: string): R {
  const m = /^(\w+)(?:\((\d+|max)(?:,(\d+))?\))?$/.exec(type);
  const dt = m?.[1] ?? type;
  const a = m?.[2];
  const b = m?.[3];
  const isDec = dt === 'decimal';
  return {
    table_name: table,
    column_name: column,
    data_type: dt,
    len: isDec || a === undefined ? null : a === 'max' ? -1 : Number(a),
    prec: isDec ? Number(a) : null,
    scale: isDec ? Number(b) : null,
  };
}

export function catalogServer(
  names: StoreNames,
  tables: readonly TableDef[],
  tweaks: Record<string, CatalogTweak>,
  rest: FakeServer = () => ({}),
): FakeServer {
  const cols: R[] = [];
  const idx: R[] = [];
  const checks: R[] = [];
  for (const t of tables) {
    const tn = physicalName(names, t);
    const tw = tweaks[t.name] ?? {};
    for (const c of t.columns) {
      if (tw.dropColumns?.includes(c.name)) continue;
      cols.push(columnRow(tn, c.name, tw.columns?.[c.name] ?? columnType(c.type)));
      if (c.type.kind === 'json' && !tw.checks) checks.push({ name: jsonCheck(names, t, c).name });
    }
    for (const name of tw.checks ?? []) checks.push({ name });
    const keys: [string, string[]][] = [
      [constraintName(tn, 'pk', t.primaryKey), t.primaryKey],
      ...t.unique.map((u): [string, string[]] => [constraintName(tn, 'uq', u), u]),
      ...indexStatements(names, t).map((i): [string, string[]] => [i.name, []]),
    ];
    for (const [name, columns] of keys) {
      if (tw.dropIndexes?.includes(name)) continue;
      for (const column of columns.length > 0 ? columns : ['status'])
        idx.push({ table_name: tn, name, column_name: column });
    }
  }
  return (call) => {
    if (call.text.includes('INFORMATION_SCHEMA.COLUMNS')) return { recordsets: [cols] };
    if (call.text.includes('sys.index_columns')) return { recordsets: [idx] };
    if (call.text.includes('sys.check_constraints')) return { recordsets: [checks] };
    if (call.text.includes("OBJECT_ID(@p1, N'U')")) return { recordsets: [[{ id: 1 }]] };
    if (call.text.startsWith('SELECT [migration], [contract_version]'))
      return {
        recordsets: [
          [CONTRACT_MIGRATION, ...CONTRACT_ADDITIONS].map((migration) => ({
            migration,
            contract_version: 1,
          })),
        ],
      };
    const m = /^SELECT TOP \(1\) 1 AS \[x\] FROM \[[^\]]+\]\.\[([^\]]+)\]/.exec(call.text);
    if (m) {
      const t = tables.find((x) => physicalName(names, x) === m[1]);
      return { recordsets: [t && tweaks[t.name]?.hasRows ? [{ x: 1 }] : []] };
    }
    return rest(call);
  };
}
