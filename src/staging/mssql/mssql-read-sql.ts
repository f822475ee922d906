/** T-SQL of the lookups and of direction 2 (pure builders; see mssql-sql.ts). */
import { physicalName, type StoreNames } from '../names.js';
import type { InboundUpdate } from '../store.js';
import {
  backlogTables,
  backlogTimestamp,
  column,
  CUSTOMER,
  CUSTOMER_MAP,
  ORDER,
  SCHEMA_VERSION,
  STATE,
  type TableDef,
} from '../tables.js';
import { fitMessage } from '../values.js';
import {
  castExpr,
  chunks,
  Params,
  paramType,
  paramValue,
  q,
  qualified,
  rowsPerChunk,
  selectList,
  type MssqlStatement,
  type MssqlType,
} from './mssql-sql.js';

function inList(params: Params, type: MssqlType, values: readonly unknown[]): string {
  return values.map((v) => params.add(type, v)).join(', ');
}

/** `SELECT … WHERE col IN (@p1, …)` in chunks of 2098 values. */
function idLookups(
  build: (params: Params, list: string) => string,
  type: MssqlType,
  values: readonly unknown[],
): MssqlStatement[] {
  return chunks(values, rowsPerChunk(1)).map((chunk) => {
    const params = new Params();
    const list = inList(params, type, chunk);
    return { text: build(params, list), params: params.list };
  });
}

export const stagedOrderIdsSql = (names: StoreNames, ids: readonly number[]): MssqlStatement[] =>
  idLookups(
    (_, list) => `SELECT [oro_order_id] FROM ${qualified(names, ORDER)} WHERE [oro_order_id] IN (${list});`,
    'int',
    ids,
  );

export const lastCustomerHashesSql = (names: StoreNames, ids: readonly number[]): MssqlStatement[] =>
  idLookups(
    (_, list) =>
      `SELECT [oro_customer_id], [payload_hash] FROM (SELECT [oro_customer_id], [payload_hash], ` +
      `ROW_NUMBER() OVER (PARTITION BY [oro_customer_id] ORDER BY [staging_id] DESC) AS [rn] ` +
      `FROM ${qualified(names, CUSTOMER)} WHERE [oro_customer_id] IN (${list})) AS x WHERE x.[rn] = 1;`,
    'int',
    ids,
  );

export const customerCodesSql = (names: StoreNames, ids: readonly number[]): MssqlStatement[] =>
  idLookups(
    (_, list) =>
      `SELECT [oro_customer_id], [erp_customer_code] FROM ${qualified(names, CUSTOMER_MAP)} WHERE [oro_customer_id] IN (${list});`,
    'int',
    ids,
  );

/**
 * The codes as asked, each with the customer the map holds for it. The comparison is the
 * column's: a parameter is coercible-default and a column implicit, so the column's collation
 * wins (learn.microsoft.com/sql/t-sql/statements/collation-precedence-transact-sql).
 */
export const customerIdsForCodesSql = (names: StoreNames, codes: readonly string[]): MssqlStatement[] =>
  chunks(codes, rowsPerChunk(1)).map((chunk) => {
    const params = new Params();
    const values = chunk.map((c) => `(${params.add('nvarchar(4000)', c)})`).join(', ');
    return {
      text:
        `SELECT v.[code], m.[oro_customer_id] FROM (VALUES ${values}) AS v([code]) ` +
        `JOIN ${qualified(names, CUSTOMER_MAP)} AS m ON m.[erp_customer_code] = v.[code];`,
      params: params.list,
    };
  });

export const getCursorSql = (names: StoreNames, job: string): MssqlStatement => ({
  text: `SELECT [cursor_value] FROM ${qualified(names, STATE)} WHERE [job] = @p1;`,
  params: [{ name: 'p1', type: 'varchar(100)', value: job }],
});

export const cursorsSql = (names: StoreNames): MssqlStatement => ({
  text: `SELECT [job], [cursor_value], [updated_at] FROM ${qualified(names, STATE)} ORDER BY [job];`,
  params: [],
});

export const findStagedOrderSql = (
  names: StoreNames,
  column: 'erp_order_number' | 'order_identifier',
  value: string,
): MssqlStatement => ({
  text: `SELECT TOP (1) [oro_order_id] FROM ${qualified(names, ORDER)} WHERE [${column}] = @p1 ORDER BY [staging_id] DESC;`,
  params: [{ name: 'p1', type: 'nvarchar(4000)', value }],
});

/**
 * NEW rows in staging_id order, without waiting on X3's open transactions and without passing
 * them. Under locking READ COMMITTED a plain read waits on a row X3 inserted and has not
 * committed, up to the request timeout. READPAST skips row and page locks instead
 * (learn.microsoft.com/sql/t-sql/queries/hints-transact-sql-table, READPAST; READCOMMITTEDLOCK
 * keeps it legal and locking when READ_COMMITTED_SNAPSHOT is on), but skipping alone would let a
 * later credit-limit row be applied before an earlier one that X3 commits a moment later. So the
 * read stops below the first NEW row that is there but not readable yet: found with a dirty read
 * of the ids (READUNCOMMITTED sees uncommitted rows without waiting) that READPAST cannot see.
 * A table-level lock still makes it wait; that wait ends at the request timeout and is retried.
 */
export function pendingInboundSql(
  names: StoreNames,
  table: TableDef,
  opts: { ids?: readonly string[]; afterId?: string; limit: number },
): MssqlStatement {
  const params = new Params();
  const top = params.add('int', opts.limit);
  let where = `[status] = 'NEW'`;
  if (opts.ids) {
    // Troubleshooting by hand (--id): a short list; an empty one matches nothing.
    where +=
      opts.ids.length === 0
        ? ' AND 1 = 0'
        : ` AND [staging_id] IN (${opts.ids.map((id) => `CAST(${params.add('varchar(20)', id)} AS bigint)`).join(', ')})`;
  }
  if (opts.afterId !== undefined)
    where += ` AND [staging_id] > CAST(${params.add('varchar(20)', opts.afterId)} AS bigint)`;
  const t = qualified(names, table);
  return {
    text:
      `SELECT TOP (${top}) ${selectList(table)} FROM ${t} WITH (READCOMMITTEDLOCK, READPAST)\n` +
      `WHERE ${where} AND [staging_id] < ISNULL((\n` +
      `  SELECT MIN(u.[staging_id]) FROM ${t} AS u WITH (READUNCOMMITTED) WHERE u.[status] = 'NEW'\n` +
      `  AND NOT EXISTS (SELECT 1 FROM ${t} AS c WITH (READCOMMITTEDLOCK, READPAST) WHERE c.[staging_id] = u.[staging_id])\n` +
      `), 9223372036854775807) ORDER BY [staging_id];`,
    params: params.list,
  };
}

/**
 * Only rows still NEW change (another run, or X3, may have taken them meanwhile); returns how
 * many did. A row with `expect` changes only while it still holds those values (X3 changed it
 * after it was read: it stays NEW and is applied again by the next run); each compared value is
 * sent as its column's type.
 */
export function finishInboundSql(
  names: StoreNames,
  table: TableDef,
  all: readonly InboundUpdate[],
): MssqlStatement[] {
  const expecting = all.filter((u) => u.expect).map((u) => finishExpectingSql(names, table, u));
  const updates = all.filter((u) => !u.expect);
  return [
    ...expecting,
    ...chunks(updates, rowsPerChunk(3)).map((chunk) => {
      const params = new Params();
      const values = chunk.map(
        (u) =>
          `(CAST(${params.add('varchar(20)', u.stagingId)} AS bigint), ${params.add('varchar(10)', u.status)}, ${params.add('nvarchar(4000)', fitMessage(u.message, 1000))})`,
      );
      return {
        // Counted through OUTPUT INTO: rowsAffected also counts the rows a trigger's statements touch.
        text:
          `DECLARE @done TABLE ([staging_id] bigint);\n` +
          `UPDATE t SET [status] = v.[status], [sync_message] = v.[msg], [processed_at] = SYSUTCDATETIME()\n` +
          `OUTPUT INSERTED.[staging_id] INTO @done\n` +
          `FROM ${qualified(names, table)} AS t\n` +
          `JOIN (VALUES ${values.join(', ')}) AS v ([id], [status], [msg]) ON t.[staging_id] = v.[id]\n` +
          `WHERE t.[status] = 'NEW';\n` +
          `SELECT COUNT(*) AS [changed] FROM @done;`,
        params: params.list,
      };
    }),
  ];
}

const STRING_KINDS: ReadonlySet<string> = new Set(['nvarchar', 'varchar', 'char', 'json']);

/**
 * Strings equal to the letter. Under the usual collations `=` ignores case (`_CI_`) and accents
 * (`_AI_`), so a tracking number X3 changed only in case would still count as unchanged; a
 * binary collation compares code points (learn.microsoft.com/sql/relational-databases/
 * collations/collation-and-unicode-support, "Binary collations"). `=` also pads the shorter
 * string with spaces whatever the collation ('abc' = 'abc ' is true;
 * learn.microsoft.com/sql/t-sql/language-elements/string-comparison-assignment), so the lengths
 * in bytes are compared too.
 */
function exactlyEqual(col: string, param: string): string {
  return ` AND ${col} COLLATE Latin1_General_BIN2 = ${param} AND DATALENGTH(${col}) = DATALENGTH(${param})`;
}

function finishExpectingSql(names: StoreNames, table: TableDef, u: InboundUpdate): MssqlStatement {
  const params = new Params();
  const id = params.add('varchar(20)', u.stagingId);
  const status = params.add('varchar(10)', u.status);
  const msg = params.add('nvarchar(4000)', fitMessage(u.message, 1000));
  const holds = Object.entries(u.expect ?? {}).map(([name, value]) => {
    const c = column(table, name);
    if (value === null) return ` AND t.${q(name)} IS NULL`;
    const p = castExpr(c.type, params.add(paramType(c.type), paramValue(value, c.type)));
    return STRING_KINDS.has(c.type.kind) ? exactlyEqual(`t.${q(name)}`, p) : ` AND t.${q(name)} = ${p}`;
  });
  return {
    text:
      `DECLARE @done TABLE ([staging_id] bigint);\n` +
      `UPDATE t SET [status] = ${status}, [sync_message] = ${msg}, [processed_at] = SYSUTCDATETIME()\n` +
      `OUTPUT INSERTED.[staging_id] INTO @done\n` +
      `FROM ${qualified(names, table)} AS t\n` +
      `WHERE t.[staging_id] = CAST(${id} AS bigint) AND t.[status] = 'NEW'${holds.join('')};\n` +
      `SELECT COUNT(*) AS [changed] FROM @done;`,
    params: params.list,
  };
}

export const rejectedRowsSql = (names: StoreNames, limit: number): MssqlStatement => ({
  text:
    `SELECT TOP (@p3) r.[tbl], CONVERT(varchar(20), r.[staging_id]) AS [staging_id], r.[key], r.[erp_message] FROM (\n` +
    `  SELECT @p1 AS [tbl], [staging_id], CONVERT(nvarchar(20), [oro_customer_id]) AS [key], [erp_message], [staged_at] FROM ${qualified(names, CUSTOMER)} WHERE [status] = 'ERROR'\n` +
    `  UNION ALL\n` +
    `  SELECT @p2, [staging_id], [order_identifier], [erp_message], [staged_at] FROM ${qualified(names, ORDER)} WHERE [status] = 'ERROR'\n` +
    `) AS r ORDER BY r.[staged_at] DESC, r.[staging_id] DESC;`,
  params: [
    { name: 'p1', type: 'varchar(255)', value: physicalName(names, CUSTOMER) },
    { name: 'p2', type: 'varchar(255)', value: physicalName(names, ORDER) },
    { name: 'p3', type: 'int', value: limit },
  ],
});

export function backlogSql(names: StoreNames, extraTables: readonly TableDef[] = []): MssqlStatement {
  const tables = backlogTables(extraTables);
  return {
    text:
      tables
        .map(
          (t, i) =>
            `SELECT @p${i + 1} AS [tbl], [status], COUNT(*) AS [n], MIN([${backlogTimestamp(t)}]) AS [oldest] FROM ${qualified(names, t)} GROUP BY [status]`,
        )
        .join('\nUNION ALL\n') + '\nORDER BY 1, 2;',
    params: tables.map((t, i) => ({
      name: `p${i + 1}`,
      type: 'varchar(255)' as const,
      value: physicalName(names, t),
    })),
  };
}

export const schemaVersionExistsSql = (names: StoreNames): MssqlStatement => ({
  text: `SELECT OBJECT_ID(@p1, N'U') AS [id];`,
  params: [
    { name: 'p1', type: 'nvarchar(4000)', value: `${names.schema}.${physicalName(names, SCHEMA_VERSION)}` },
  ],
});

export const schemaVersionSql = (names: StoreNames): MssqlStatement => ({
  text: `SELECT [migration], [contract_version] FROM ${qualified(names, SCHEMA_VERSION)} ORDER BY [applied_at], [migration];`,
  params: [],
});
