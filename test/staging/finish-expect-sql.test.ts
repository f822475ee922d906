/**
 * Issue 18 point 8, exact SQL: an inbound row is marked only while it holds the values it was
 * applied with. SQL Server cannot run here, so its statement is pinned; the PostgreSQL one runs
 * in test/regressions/changed-while-applied.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { finishInboundSql } from '../../src/staging/mssql/mssql-read-sql.js';
import { finishExpectingSql } from '../../src/staging/postgres/postgres-read-sql.js';
import { CREDIT_LIMIT } from '../../src/staging/tables.js';

const names = { schema: 'dbo', prefix: 'sagesync_' };
const update = {
  stagingId: '7',
  status: 'DONE' as const,
  message: 'Applied.',
  expect: { oro_customer_id: null, erp_customer_code: 'C1', credit_limit: '100.0000' },
};

describe('marking compares the applied values', () => {
  it('T-SQL: one statement per row, each value cast to its column type, NULL as IS NULL', () => {
    const [s, ...rest] = finishInboundSql(names, CREDIT_LIMIT, [update]);
    expect(rest).toEqual([]);
    expect(s!.text).toBe(
      'DECLARE @done TABLE ([staging_id] bigint);\n' +
        'UPDATE t SET [status] = @p2, [sync_message] = @p3, [processed_at] = SYSUTCDATETIME()\n' +
        'OUTPUT INSERTED.[staging_id] INTO @done\n' +
        'FROM [dbo].[sagesync_credit_limit] AS t\n' +
        "WHERE t.[staging_id] = CAST(@p1 AS bigint) AND t.[status] = 'NEW'" +
        ' AND t.[oro_customer_id] IS NULL' +
        // To the letter: a binary collation, and `=` pads with spaces, so the lengths too.
        ' AND t.[erp_customer_code] COLLATE Latin1_General_BIN2 = @p4 AND DATALENGTH(t.[erp_customer_code]) = DATALENGTH(@p4)' +
        ' AND t.[credit_limit] = CAST(@p5 AS decimal(19,4));\n' +
        'SELECT COUNT(*) AS [changed] FROM @done;',
    );
    expect(s!.params.map((p) => [p.name, p.type, p.value])).toEqual([
      ['p1', 'varchar(20)', '7'],
      ['p2', 'varchar(10)', 'DONE'],
      ['p3', 'nvarchar(4000)', 'Applied.'],
      ['p4', 'nvarchar(4000)', 'C1'],
      ['p5', 'varchar(40)', '100.0000'],
    ]);
  });

  it('rows without expectations keep the one batched statement', () => {
    const plain = { stagingId: '8', status: 'ERROR' as const, message: 'x' };
    const statements = finishInboundSql(names, CREDIT_LIMIT, [update, plain]);
    expect(statements).toHaveLength(2);
    expect(statements[1]!.text).toContain('JOIN (VALUES');
  });

  it('PostgreSQL: IS NOT DISTINCT FROM each applied value, typed by its column', () => {
    const s = finishExpectingSql('"public"."sagesync_credit_limit"', update);
    expect(s.text).toBe(
      'UPDATE "public"."sagesync_credit_limit" AS t SET status = $2, sync_message = $3, processed_at = now()' +
        " WHERE t.staging_id = $1 AND t.status = 'NEW'" +
        ' AND t."oro_customer_id" IS NOT DISTINCT FROM $4 AND t."erp_customer_code" IS NOT DISTINCT FROM $5' +
        ' AND t."credit_limit" IS NOT DISTINCT FROM $6',
    );
    expect(s.params).toEqual(['7', 'DONE', 'Applied.', null, 'C1', '100.0000']);
  });
});
