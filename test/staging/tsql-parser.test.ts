/**
 * Every statement the SQL Server dialect can send goes through a T-SQL parser here
 * (@guanmingchiu/sqlparser-ts: sqlparser-rs's SQL Server dialect compiled to WASM), because no
 * SQL Server runs on our machines: the golden file (every statement of a full store scenario),
 * the custom-stream DDL and DML (push and pull, add, widen, the JSON CHECK replacement), the
 * rights check, the lock batches, the X3 simulator's SQL and `migrate --print`.
 *
 * A parser accepts things SQL Server rejects (types, hints, limits are not checked), so the
 * exact-text tests in mssql-sql.test.ts stay; this catches what is not T-SQL at all.
 * KNOWN_GAPS lists what the parser cannot read although SQL Server does, with the reason; a
 * statement hit by a gap must parse once the construct is taken out, and every gap must still
 * be hit (so the list cannot go stale).
 */
import { readFileSync } from 'node:fs';
import { init, parse } from '@guanmingchiu/sqlparser-ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { rightsAttempts, rightsSqlMssql } from '../../src/ops/rights-check.js';
import {
  addColumnSql,
  replaceJsonCheckSql,
  schemaDdl,
  widenColumnSql,
} from '../../src/staging/mssql/mssql-ddl.js';
import {
  appLockModesSql,
  codeCollationSql,
  getAppLockSql,
  hasRowsSql,
  migrationLockSql,
  releaseAppLockSql,
} from '../../src/staging/mssql/mssql-own-sql.js';
import { finishInboundSql, pendingInboundSql } from '../../src/staging/mssql/mssql-read-sql.js';
import { insertStatements } from '../../src/staging/mssql/mssql-stage-sql.js';
import { printDdl } from '../../src/staging/print-ddl.js';
import { physicalName } from '../../src/staging/names.js';
import type { ColumnDef, TableDef } from '../../src/staging/tables.js';
import { writeColumns } from '../../src/staging/values.js';
import { streamTables } from '../../src/streams/tables.js';
import { X3Sql } from '../../tools/x3sim/sql.js';
import { PRODUCTS_STREAM, RATINGS_STREAM } from '../streams/helpers.js';

const names = { schema: 'dbo', prefix: 'sagesync_' };

const KNOWN_GAPS: { construct: RegExp; reason: string; without: (sql: string) => string }[] = [
  {
    // sp_getapplock reports through its return status, which only `EXEC @rc = proc` reads
    // (learn.microsoft.com/sql/t-sql/language-elements/execute-transact-sql, "@return_status").
    construct: /EXEC @\w+ = /,
    reason: 'sqlparser-rs 0.62 (MsSqlDialect) does not parse EXEC with a return-status variable',
    without: (sql) => sql.replace(/EXEC @\w+ = /g, 'EXEC '),
  },
  {
    // The rights check tries each privilege in TRY…CATCH so one batch reports every missing
    // right (learn.microsoft.com/sql/t-sql/language-elements/try-catch-transact-sql).
    construct: /BEGIN TRY /,
    reason: 'sqlparser-rs 0.62 has no TRY…CATCH blocks',
    without: (sql) => sql.replace(/BEGIN TRY (.*?); END TRY BEGIN CATCH (.*?); END CATCH;/g, '$1; $2;'),
  },
  {
    // SET @v += … (learn.microsoft.com/sql/t-sql/language-elements/add-equals-transact-sql).
    construct: /SET @\w+ \+= /,
    reason: 'sqlparser-rs 0.62 does not parse the compound assignment += of a variable',
    without: (sql) => sql.replace(/SET (@\w+) \+= /g, 'SET $1 = $1 + '),
  },
  {
    // T-SQL widens with ALTER COLUMN name type [NULL | NOT NULL]
    // (learn.microsoft.com/sql/t-sql/statements/alter-table-transact-sql, ALTER COLUMN).
    construct: /ALTER COLUMN \[\w+\] \w+/,
    reason: 'sqlparser-rs 0.62 only knows ALTER COLUMN … SET DATA TYPE, not the T-SQL form',
    without: (sql) =>
      sql.replace(
        /ALTER COLUMN (\[\w+\]) (\w+(?:\([^)]*\))?) (?:NOT )?NULL/g,
        'ALTER COLUMN $1 SET DATA TYPE $2',
      ),
  },
];

const config = (): Config =>
  configSchema.parse({
    oro: { url: 'https://oro.example.com', clientId: 'a', clientSecret: 'b' },
    staging: { dialect: 'mssql', host: 'sql01' },
    streams: [
      {
        ...PRODUCTS_STREAM,
        columns: {
          ...PRODUCTS_STREAM.columns,
          unit_ref: { source: 'primaryUnitPrecision.unit', type: 'json' },
        },
      },
      RATINGS_STREAM,
    ],
  });

function statements(): { what: string; sql: string }[] {
  const out: { what: string; sql: string }[] = [];
  const add = (what: string, sql: string) => out.push({ what, sql });
  const golden = readFileSync(new URL('__golden__/mssql-statements.sql', import.meta.url), 'utf8');
  golden
    .split(/^-- params:.*$/m)
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((s, i) => add(`golden #${i + 1}`, s));

  const [push, pull] = streamTables(config()) as [TableDef, TableDef];
  const col = (t: TableDef, n: string) => t.columns.find((c) => c.name === n) as ColumnDef;
  for (const s of schemaDdl(names, [push, pull])) add('stream DDL', s);
  add('add column', addColumnSql(names, push, col(push, 'unit_code')));
  add('widen column', widenColumnSql(names, push, col(push, 'unit_code')));
  add(
    'replace JSON check',
    replaceJsonCheckSql(names, push, col(push, 'unit_ref'), `${physicalName(names, push)}_ck_unit_ref`),
  );
  add('has rows', hasRowsSql(names, push).text);
  const pushRow = {
    oro_product_id: 1,
    sku: 'A',
    featured: true,
    unit_ref: '"kg"',
    payload_hash: 'h'.repeat(64),
  };
  const id = col(push, 'staging_id');
  for (const s of insertStatements(
    names,
    push,
    writeColumns(push, [pushRow]),
    [pushRow],
    ['sku', 'payload_hash'],
    [id],
  ))
    add('stream push insert', s.text);
  add('stream pull read', pendingInboundSql(names, pull, { limit: 10, afterId: '3' }).text);
  for (const s of finishInboundSql(names, pull, [{ stagingId: '1', status: 'DONE', message: 'ok' }]))
    add('stream pull mark', s.text);

  add(
    'rights check',
    rightsSqlMssql(
      rightsAttempts({ tableName: (t) => `dbo.sagesync_${typeof t === 'string' ? t : t.name}` }),
    ),
  );
  add('get app lock', getAppLockSql('r').text);
  add('release app lock', releaseAppLockSql('r').text);
  add('app lock modes', appLockModesSql(['a', 'b']).text);
  add('migration lock', migrationLockSql('r').text);
  add('code collation', codeCollationSql(names).text);

  const x3 = new X3Sql('mssql', (t) => `dbo.sagesync_${t}`);
  add('x3 new customers', x3.newCustomers(5).sql);
  add('x3 new orders', x3.newOrders(5).sql);
  add('x3 known codes', x3.knownCodes([1, 2]).sql);
  add('x3 rejected customers', x3.rejectedCustomers([1]).sql);
  add(
    'x3 finish',
    x3.finish('order', 'erp_order_number', [{ stagingId: '1', status: 'DONE', code: 'S', message: null }])
      .sql,
  );
  add('x3 codes without limit', x3.codesWithoutCreditLimit(5).sql);
  add(
    'x3 credit limits',
    x3.insertCreditLimits([{ code: 'C', oroCustomerId: 1, limit: '5', currency: 'USD' }]).sql,
  );
  add('x3 orders without shipment', x3.ordersWithoutShipment(5).sql);
  add(
    'x3 shipments',
    x3.insertShipments([
      {
        oroOrderId: 1,
        erpOrderNumber: null,
        orderIdentifier: null,
        carrier: 'UPS',
        trackingNumber: 'T',
        deliveryNumber: null,
      },
    ]).sql,
  );
  add('x3 inbound status', x3.inboundStatus('shipment').sql);

  const printed = printDdl('mssql', { extraTables: [push, pull] });
  printed
    .split(/^GO$/m)
    .map((b) => b.replace(/^--.*$/gm, '').trim())
    .filter(Boolean)
    .forEach((b, i) => add(`migrate --print batch ${i + 1}`, b));
  return out;
}

describe('every T-SQL statement parses (sqlparser-rs, SQL Server dialect)', () => {
  beforeAll(async () => {
    await init();
  });

  it('parses, or is a listed known gap that parses without its construct', () => {
    const all = statements();
    expect(all.length).toBeGreaterThan(100);
    const failures: string[] = [];
    const gapsHit = new Set<number>();
    for (const { what, sql } of all) {
      try {
        parse(sql, 'mssql');
        continue;
      } catch (err) {
        const hit = KNOWN_GAPS.map((gap, i) => (gap.construct.test(sql) ? i : -1)).filter((i) => i >= 0);
        if (hit.length === 0) {
          failures.push(`${what}: ${(err as Error).message}\n${sql}`);
          continue;
        }
        for (const i of hit) gapsHit.add(i);
        const rest = hit.reduce((text, i) => KNOWN_GAPS[i]!.without(text), sql);
        try {
          parse(rest, 'mssql');
        } catch (again) {
          failures.push(`${what} (without its known gaps): ${(again as Error).message}\n${rest}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect([...gapsHit].sort()).toEqual(KNOWN_GAPS.map((_, i) => i));
  });

  it('rejects what is not T-SQL (the check can fail)', () => {
    expect(() => parse('SELECT TOP (1) FROM WHERE', 'mssql')).toThrow();
    expect(() => parse('INSERT INTO [dbo].[t] ([a]) VALUES (@p1', 'mssql')).toThrow();
  });
});
