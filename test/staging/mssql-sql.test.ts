/**
 * Exact T-SQL (text and declared parameter types) of the SQL Server dialect. No SQL Server runs
 * on our machines, so these pin every statement: a few inline, and every statement a full
 * scenario of store calls sends (captured through a fake driver) in a reviewed golden file.
 */
import { describe, expect, it } from 'vitest';
import type { MssqlDriver, MssqlExec, MssqlResult } from '../../src/staging/mssql/mssql-driver.js';
import { toDriverType } from '../../src/staging/mssql/mssql-driver.js';
import { inboundErrorsSql, lockAlertSql } from '../../src/staging/mssql/mssql-alert-sql.js';
import { getAppLockSql, migrationLockSql } from '../../src/staging/mssql/mssql-own-sql.js';
import { pendingInboundSql } from '../../src/staging/mssql/mssql-read-sql.js';
import { MAX_PARAMS, rowsPerChunk, type MssqlStatement } from '../../src/staging/mssql/mssql-sql.js';
import { cursorUpsert, insertChunk, insertStatements } from '../../src/staging/mssql/mssql-stage-sql.js';
import { SessionWatch } from '../../src/staging/mssql/mssql-lock.js';
import { MssqlStore } from '../../src/staging/mssql/mssql-store.js';
import { CREDIT_LIMIT, ORDER, ORDER_LINE, SHIPMENT } from '../../src/staging/tables.js';
import { writeColumns } from '../../src/staging/values.js';
import mssql from 'mssql';

const names = { schema: 'dbo', prefix: 'sagesync_' };
const types = (s: MssqlStatement) => s.params.map((p) => `${p.name} ${p.type}`);

describe('T-SQL statements, exact', () => {
  it('an idempotent multi-row insert returns identities through OUTPUT INTO, decimals as CAST strings', () => {
    const rows = [
      {
        oro_order_id: 1,
        order_identifier: 'A',
        total: '789.0000',
        order_created_at: new Date('2026-01-02T03:04:05.678Z'),
        ship_until: '2026-02-03',
      },
      {
        oro_order_id: 2,
        order_identifier: 'B',
        total: '1.5',
        order_created_at: new Date(0),
        ship_until: null,
      },
    ];
    const cols = writeColumns(ORDER, rows);
    const id = ORDER.columns.find((c) => c.name === 'staging_id')!;
    const key = ORDER.columns.find((c) => c.name === 'oro_order_id')!;
    const stmt = insertChunk(names, ORDER, cols, rows, ['oro_order_id'], [id, key]);
    expect(stmt.text).toBe(
      [
        'DECLARE @ins TABLE ([staging_id] bigint, [oro_order_id] int);',
        'INSERT INTO [dbo].[sagesync_order] ([oro_order_id], [order_identifier], [total], [order_created_at], [ship_until])',
        'OUTPUT INSERTED.[staging_id], INSERTED.[oro_order_id] INTO @ins',
        'SELECT v.c0, v.c1, CAST(v.c2 AS decimal(19,4)), v.c3, CAST(v.c4 AS date)',
        'FROM (VALUES (@p1, @p2, @p3, @p4, @p5, 0), (@p6, @p7, @p8, @p9, @p10, 1)) AS v (c0, c1, c2, c3, c4, n)',
        'WHERE NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_order] AS t WITH (UPDLOCK, HOLDLOCK) WHERE t.[oro_order_id] = v.c0)',
        // Identities in input order: staging_id is X3's processing order.
        'ORDER BY v.n;',
        'SELECT CONVERT(varchar(20), [staging_id]) AS [staging_id], [oro_order_id] FROM @ins;',
      ].join('\n'),
    );
    expect(types(stmt).slice(0, 5)).toEqual([
      'p1 int',
      'p2 nvarchar(4000)',
      'p3 varchar(40)',
      'p4 datetime2(3)',
      'p5 varchar(10)',
    ]);
    expect(stmt.params.map((p) => p.value)).toEqual([
      1,
      'A',
      '789.0000',
      rows[0]!.order_created_at,
      '2026-02-03',
      2,
      'B',
      '1.5',
      new Date(0),
      null,
    ]);
  });

  it('inserts are chunked to stay under 2098 parameters and 1000 rows', () => {
    const lineCols = 13;
    expect(rowsPerChunk(lineCols)).toBe(Math.floor(2098 / 13));
    expect(rowsPerChunk(1)).toBe(1000);
    const rows = Array.from({ length: 500 }, (_, i) => ({
      oro_order_id: 1,
      oro_line_item_id: i,
      line_number: i,
      sku: 's',
      quantity: '1',
      custom_attributes: '{}',
      order_staging_id: '5',
    }));
    const stmts = insertStatements(
      names,
      ORDER_LINE,
      writeColumns(ORDER_LINE, rows),
      rows,
      ['order_staging_id', 'oro_line_item_id'],
      [],
    );
    expect(stmts.map((s) => s.params.length)).toEqual([2093, 1407]);
    expect(stmts.every((s) => s.params.length <= MAX_PARAMS)).toBe(true);
    expect(stmts[0]!.text).toContain(
      'WHERE t.[order_staging_id] = CAST(v.c6 AS bigint) AND t.[oro_line_item_id] = v.c1',
    );
  });

  it('the cursor upsert needs no MERGE', () => {
    const s = cursorUpsert(names, 'push-orders', 'c1');
    expect(s.text).toBe(
      'UPDATE [dbo].[sagesync_state] WITH (UPDLOCK, SERIALIZABLE) SET [cursor_value] = @p2, [updated_at] = SYSUTCDATETIME() WHERE [job] = @p1;\n' +
        'IF @@ROWCOUNT = 0 INSERT INTO [dbo].[sagesync_state] ([job], [cursor_value], [updated_at]) VALUES (@p1, @p2, SYSUTCDATETIME());',
    );
    expect(types(s)).toEqual(['p1 varchar(100)', 'p2 nvarchar(4000)']);
  });

  it('session app lock: non-waiting, re-entrancy refused, return code selected', () => {
    const s = getAppLockSql('sagesync:dbo.sagesync_:push-orders');
    expect(s.text).toBe(
      'DECLARE @rc int;\n' +
        "IF APPLOCK_MODE(N'public', @p1, N'Session') <> N'NoLock' SET @rc = -100;\n" +
        "ELSE EXEC @rc = sp_getapplock @Resource = @p1, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0, @DbPrincipal = N'public';\n" +
        'SELECT @rc AS [rc];',
    );
    expect(types(s)).toEqual(['p1 nvarchar(255)']);
    expect(migrationLockSql('r').text).toContain("@LockOwner = N'Transaction', @LockTimeout = 20000");
  });

  it("pending inbound rows: TOP, decimals as text, ids cast; never waiting on nor passing X3's open rows", () => {
    const s = pendingInboundSql(names, CREDIT_LIMIT, { limit: 50, afterId: '10', ids: ['11', '12'] });
    expect(s.text).toBe(
      'SELECT TOP (@p1) [staging_id], [erp_customer_code], [oro_customer_id], CONVERT(varchar(40), [credit_limit]) AS [credit_limit], [currency], [status], [sync_message], [created_at], [processed_at] ' +
        'FROM [dbo].[sagesync_credit_limit] WITH (READCOMMITTEDLOCK, READPAST)\n' +
        "WHERE [status] = 'NEW' AND [staging_id] IN (CAST(@p2 AS bigint), CAST(@p3 AS bigint)) AND [staging_id] > CAST(@p4 AS bigint) AND [staging_id] < ISNULL((\n" +
        // The first NEW row another transaction holds (seen dirty, not readable past): the frontier.
        "  SELECT MIN(u.[staging_id]) FROM [dbo].[sagesync_credit_limit] AS u WITH (READUNCOMMITTED) WHERE u.[status] = 'NEW'\n" +
        '  AND NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_credit_limit] AS c WITH (READCOMMITTEDLOCK, READPAST) WHERE c.[staging_id] = u.[staging_id])\n' +
        '), 9223372036854775807) ORDER BY [staging_id];',
    );
    expect(types(s)).toEqual(['p1 int', 'p2 varchar(20)', 'p3 varchar(20)', 'p4 varchar(20)']);
  });

  it('an alert row is read under UPDLOCK, HOLDLOCK (held to commit) before its digest is decided', () => {
    const s = lockAlertSql(names, 'f', 'down', new Date(0));
    expect(types(s)).toEqual(['p1 varchar(255)', 'p2 nvarchar(4000)', 'p3 datetime2(3)']);
    expect(s.text).toContain(
      'SELECT * FROM [dbo].[sagesync_alert] WITH (UPDLOCK, HOLDLOCK) WHERE [fingerprint] = @p1;',
    );
  });

  it('the ERROR rows of a direction-2 table, newest first', () => {
    const s = inboundErrorsSql(names, CREDIT_LIMIT, 1000);
    expect(s.text).toBe(
      'SELECT TOP (@p1) CONVERT(varchar(20), [staging_id]) AS [staging_id], [sync_message] FROM [dbo].[sagesync_credit_limit]\n' +
        "WHERE [status] = 'ERROR' ORDER BY [staging_id] DESC;",
    );
    expect(types(s)).toEqual(['p1 int']);
  });

  it('every declared type maps to a driver type', () => {
    for (const t of [
      'int',
      'bit',
      'datetime2(3)',
      'varchar(40)',
      'nvarchar(4000)',
      'nvarchar(max)',
      'varchar(8000)',
    ] as const) {
      expect(toDriverType(mssql, t)).toBeTruthy();
    }
  });
});

/** A driver that records statements and answers the few that must return rows. */
function fakeDriver(log: MssqlStatement[]): MssqlDriver {
  let identity = 100;
  const run = async (stmt: MssqlStatement): Promise<MssqlResult> => {
    log.push(stmt);
    if (stmt.text.includes('FROM @ins')) {
      const n = (stmt.text.match(/\), \(/g)?.length ?? 0) + 1;
      const withKey = stmt.text.includes('[oro_order_id] FROM @ins');
      const per = stmt.params.length / n;
      return {
        rows: Array.from({ length: n }, (_, i) => ({
          staging_id: String(++identity),
          ...(withKey ? { oro_order_id: stmt.params[i * per]?.value } : {}),
        })),
        rowsAffected: n,
      };
    }
    if (stmt.text.includes('SELECT @rc AS [rc]')) return { rows: [{ rc: 0 }], rowsAffected: 0 };
    if (stmt.text.includes("APPLOCK_MODE(N'public', v.[resource]")) {
      return { rows: stmt.params.map((p) => ({ resource: p.value, mode: 'Exclusive' })), rowsAffected: 0 };
    }
    if (stmt.text.includes('OBJECT_ID(@p1')) return { rows: [{ id: null }], rowsAffected: 0 };
    if (stmt.text.includes('[erp_customer_code], CONVERT(varchar(20), x.[staging_id])')) {
      return { rows: [{ oro_customer_id: 1, erp_customer_code: 'BP1', staging_id: '7' }], rowsAffected: 0 };
    }
    return { rows: [], rowsAffected: 0 };
  };
  const exec: MssqlExec = { run };
  return {
    watch: new SessionWatch(),
    run,
    runRaw: async () => ({ rows: [], rowsAffected: 0 }),
    transaction: async <T>(fn: (tx: MssqlExec) => Promise<T>) => fn(exec),
    close: async () => undefined,
  } as unknown as MssqlDriver;
}

describe('every statement the SQL Server store sends (golden file)', () => {
  it('matches test/staging/__golden__/mssql-statements.sql', async () => {
    const log: MssqlStatement[] = [];
    const store = new MssqlStore(fakeDriver(log), names, 'sql01:1433/X3');
    const now = new Date('2026-05-06T07:08:09.010Z');
    await store.migrate();
    await store.schemaVersion();
    // Held through the scenario: every write proves it first (APPLOCK_MODE in its transaction).
    const lock = await store.tryLock('push-orders');
    await store.getCursor('push-orders');
    await store.stage({
      job: 'push-orders',
      cursor: 'c',
      resolved: [{ entity: 'order', entityId: '1' }],
      writes: [
        {
          table: ORDER,
          rows: [
            {
              oro_order_id: 1,
              order_identifier: 'A',
              oro_customer_id: 2,
              currency: 'EUR',
              total: '1.0000',
              order_created_at: now,
              custom_attributes: '{}',
            },
          ],
          conflictColumns: ['oro_order_id'],
          children: {
            table: ORDER_LINE,
            foreignKey: 'order_staging_id',
            parentKey: 'oro_order_id',
            conflictColumns: ['order_staging_id', 'oro_line_item_id'],
            rowsByParent: new Map([
              [
                1,
                [
                  {
                    oro_order_id: 1,
                    oro_line_item_id: 9,
                    line_number: 1,
                    sku: 'S',
                    quantity: '1',
                    custom_attributes: '{}',
                  },
                ],
              ],
            ]),
          },
        },
        { table: SHIPMENT, rows: [{ carrier: 'UPS', tracking_number: 'T' }], conflictColumns: [] },
      ],
    });
    await store.stagedOrderIds([1, 2]);
    await store.lastCustomerHashes([1]);
    await store.customerCodes([1]);
    await store.customerIdsForCodes(['BP1', 'BP2']);
    await store.learnCustomerCodes();
    await store.rejectedRows(10);
    await store.findStagedOrder({ erpOrderNumber: 'SO1' });
    await store.findStagedOrder({ orderIdentifier: 'A' });
    await store.pendingInbound(SHIPMENT, { limit: 10 });
    await store.finishInbound(SHIPMENT, [{ stagingId: '1', status: 'DONE', message: null }]);
    await store.quarantine([{ job: 'push-orders', entity: 'order', entityId: '1', error: 'e' }], now);
    await store.dueQuarantine('push-orders', now, 5);
    await store.openQuarantine();
    await store.resolveQuarantine('push-orders', [{ entity: 'order', entityId: '1' }]);
    await store.startRun({ job: 'push-orders', command: 'run-all', host: 'h', pid: 1 });
    await store.finishRun('1', { outcome: 'ok', counts: { read: 1 }, message: null });
    await store.lastRuns();
    await store.lastSuccesses(['push-orders', 'stream:products']);
    await store.noteAlert('f', 's', 60, now, [{ key: '1', text: 'staging_id 1: unknown code' }]);
    await store.inboundErrors(CREDIT_LIMIT, 1000);
    await store.openAlerts();
    await store.clearAlert('f', now);
    await store.backlog();
    await store.cursors();
    await lock?.release();
    const text = log
      .map(
        (s) =>
          `-- params: ${s.params.map((p) => `@${p.name} ${p.type}`).join(', ') || '(none)'}\n${s.text}\n`,
      )
      .join('\n');
    await expect(text).toMatchFileSnapshot('__golden__/mssql-statements.sql');
  });
});
