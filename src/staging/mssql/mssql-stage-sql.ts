/**
 * T-SQL of `stage()`: multi-row INSERT … SELECT FROM (VALUES …) in chunks of
 * min(1000, floor(2098 / columns)) rows, idempotent through `WHERE NOT EXISTS (… WITH (UPDLOCK,
 * HOLDLOCK))` (docs/staging.md; the UNIQUE key stays the backstop), identities returned through
 * `OUTPUT … INTO @table` (a bare OUTPUT fails when the table has a trigger:
 * https://learn.microsoft.com/sql/t-sql/queries/output-clause-transact-sql).
 */
import type { StoreNames } from '../names.js';
import type { Row } from '../store.js';
import { QUARANTINE, STATE, type ColumnDef, type TableDef } from '../tables.js';
import {
  castExpr,
  chunks,
  paramType,
  paramValue,
  Params,
  q,
  qualified,
  rowsPerChunk,
  columnType,
  type MssqlStatement,
} from './mssql-sql.js';

export { dedupeRows as dedupe } from '../values.js';

/**
 * One chunk: DECLARE @ins TABLE (…); INSERT INTO t (…) OUTPUT INSERTED.… INTO @ins
 * SELECT … FROM (VALUES (…), …) AS v (…) WHERE NOT EXISTS (…); SELECT … FROM @ins;
 */
export function insertChunk(
  names: StoreNames,
  table: TableDef,
  columns: ColumnDef[],
  rows: readonly Row[],
  conflictColumns: string[],
  returning: ColumnDef[],
): MssqlStatement {
  const params = new Params();
  // staging_id is X3's processing order (contract): identities follow the input order only with
  // ORDER BY: "INSERT queries that use SELECT with ORDER BY to populate rows guarantees how
  // identity values are computed" (learn.microsoft.com/en-us/archive/blogs/sqltips/
  // ordering-guarantees-in-sql-server, point 4). The row's position rides along as a literal.
  const ordered = table.columns.some((c) => c.identity);
  const aliases = [...columns.map((_, i) => `c${i}`), ...(ordered ? ['n'] : [])];
  const values = rows.map((r, i) => {
    const cells = columns.map((c) => params.add(paramType(c.type), paramValue(r[c.name], c.type)));
    return `(${[...cells, ...(ordered ? [String(i)] : [])].join(', ')})`;
  });
  const exprOf = (name: string): string => {
    const i = columns.findIndex((c) => c.name === name);
    const col = columns[i];
    if (!col) throw new Error(`conflict column ${name} is not written to ${table.name}`);
    return castExpr(col.type, `v.${aliases[i]}`);
  };
  const lines: string[] = [];
  if (returning.length > 0) {
    lines.push(
      `DECLARE @ins TABLE (${returning.map((c) => `${q(c.name)} ${columnType(c.type)}`).join(', ')});`,
    );
  }
  lines.push(`INSERT INTO ${qualified(names, table)} (${columns.map((c) => q(c.name)).join(', ')})`);
  if (returning.length > 0) {
    lines.push(`OUTPUT ${returning.map((c) => `INSERTED.${q(c.name)}`).join(', ')} INTO @ins`);
  }
  lines.push(`SELECT ${columns.map((c, i) => castExpr(c.type, `v.${aliases[i]}`)).join(', ')}`);
  lines.push(`FROM (VALUES ${values.join(', ')}) AS v (${aliases.join(', ')})`);
  if (conflictColumns.length > 0) {
    lines.push(
      `WHERE NOT EXISTS (SELECT 1 FROM ${qualified(names, table)} AS t WITH (UPDLOCK, HOLDLOCK) WHERE ${conflictColumns
        .map((c) => `t.${q(c)} = ${exprOf(c)}`)
        .join(' AND ')})`,
    );
  }
  if (ordered) lines.push('ORDER BY v.n');
  lines[lines.length - 1] += ';';
  if (returning.length > 0) {
    const sel = returning.map((c) =>
      c.type.kind === 'bigint' ? `CONVERT(varchar(20), ${q(c.name)}) AS ${q(c.name)}` : q(c.name),
    );
    lines.push(`SELECT ${sel.join(', ')} FROM @ins;`);
  }
  return { text: lines.join('\n'), params: params.list };
}

/** `insertChunk` for as many chunks as the rows need (`rowsPerChunk`). */
export function insertStatements(...args: Parameters<typeof insertChunk>): MssqlStatement[] {
  const [names, table, columns, rows, conflictColumns, returning] = args;
  return chunks(rows, rowsPerChunk(columns.length)).map((chunk) =>
    insertChunk(names, table, columns, chunk, conflictColumns, returning),
  );
}

/**
 * Cursor upsert without MERGE (https://learn.microsoft.com/sql/t-sql/statements/merge-transact-sql):
 * update under a key-range lock, insert when absent.
 */
export function cursorUpsert(names: StoreNames, job: string, cursor: string | null): MssqlStatement {
  const t = qualified(names, STATE);
  return {
    text:
      `UPDATE ${t} WITH (UPDLOCK, SERIALIZABLE) SET [cursor_value] = @p2, [updated_at] = SYSUTCDATETIME() WHERE [job] = @p1;\n` +
      `IF @@ROWCOUNT = 0 INSERT INTO ${t} ([job], [cursor_value], [updated_at]) VALUES (@p1, @p2, SYSUTCDATETIME());`,
    params: [
      { name: 'p1', type: 'varchar(100)', value: job },
      { name: 'p2', type: 'nvarchar(4000)', value: cursor },
    ],
  };
}

export function resolveQuarantineStatements(
  names: StoreNames,
  job: string,
  entries: readonly { entity: string; entityId: string }[],
): MssqlStatement[] {
  return chunks(entries, rowsPerChunk(2, 1)).map((chunk) => {
    const params = new Params();
    const jobParam = params.add('varchar(100)', job);
    const values = chunk.map(
      (e) => `(${params.add('varchar(100)', e.entity)}, ${params.add('varchar(100)', e.entityId)})`,
    );
    return {
      text:
        `UPDATE t SET [resolved_at] = SYSUTCDATETIME()\n` +
        `FROM ${qualified(names, QUARANTINE)} AS t\n` +
        `JOIN (VALUES ${values.join(', ')}) AS v ([entity], [entity_id]) ON t.[entity] = v.[entity] AND t.[entity_id] = v.[entity_id]\n` +
        `WHERE t.[job] = ${jobParam} AND t.[resolved_at] IS NULL;`,
      params: params.list,
    };
  });
}
