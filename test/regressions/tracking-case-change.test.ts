// @module-tag hostile
/**
 * Review finding (issue 15, staging): pull marking on SQL Server compared strings with `=`. Under
 * the usual case-insensitive collation (and with `=` ignoring trailing spaces under every
 * collation), a tracking number X3 changed only in case while it was applied ('1z-old' →
 * '1Z-OLD') still counted as unchanged, so the row was marked DONE and Oro kept '1z-old'.
 * Strings are now compared with a binary collation and their length in bytes. SQL Server cannot
 * run here: its statement is pinned (and parsed as T-SQL); the whole case runs on PGlite and
 * PostgreSQL, and on SQL Server when SAGESYNC_TEST_MSSQL_URL is set.
 */
import { init, parse } from '@guanmingchiu/sqlparser-ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pullTracking } from '../../src/jobs/pull-tracking.js';
import { finishInboundSql } from '../../src/staging/mssql/mssql-read-sql.js';
import { SHIPMENT } from '../../src/staging/tables.js';
import { hostilePullEnv, pullBackends, type HostilePullEnv } from '../jobs/pull-env.js';

beforeAll(async () => {
  await init();
});

describe('T-SQL marking compares strings to the letter', () => {
  it('a binary collation and the length in bytes for strings; numbers and NULL as before', () => {
    const [s, ...rest] = finishInboundSql({ schema: 'dbo', prefix: 'sagesync_' }, SHIPMENT, [
      {
        stagingId: '5',
        status: 'DONE',
        message: null,
        expect: { oro_order_id: 3, carrier: 'UPS', tracking_number: '1z-old', shipped_at: null },
      },
    ]);
    expect(rest).toEqual([]);
    expect(s!.text).toBe(
      'DECLARE @done TABLE ([staging_id] bigint);\n' +
        'UPDATE t SET [status] = @p2, [sync_message] = @p3, [processed_at] = SYSUTCDATETIME()\n' +
        'OUTPUT INSERTED.[staging_id] INTO @done\n' +
        'FROM [dbo].[sagesync_shipment] AS t\n' +
        "WHERE t.[staging_id] = CAST(@p1 AS bigint) AND t.[status] = 'NEW'" +
        ' AND t.[oro_order_id] = @p4' +
        ' AND t.[carrier] COLLATE Latin1_General_BIN2 = @p5 AND DATALENGTH(t.[carrier]) = DATALENGTH(@p5)' +
        ' AND t.[tracking_number] COLLATE Latin1_General_BIN2 = @p6 AND DATALENGTH(t.[tracking_number]) = DATALENGTH(@p6)' +
        ' AND t.[shipped_at] IS NULL;\n' +
        'SELECT COUNT(*) AS [changed] FROM @done;',
    );
    expect(s!.params.slice(3).map((p) => [p.type, p.value])).toEqual([
      ['int', 3],
      ['nvarchar(4000)', 'UPS'],
      ['nvarchar(4000)', '1z-old'],
    ]);
    expect(() => parse(s!.text, 'mssql')).not.toThrow();
  });
});

const backends = pullBackends('tracking-case-change.test.ts');
let h: HostilePullEnv | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(backends)('a tracking number X3 changes only in case mid-run, on $name', (backend) => {
  it('stays NEW after the old spelling was applied; the next run decides it again', async () => {
    h = await hostilePullEnv(backend, { seed: { orders: 2, customers: 1, linesPerOrder: [1, 1] } });
    const { env: e, proxy, client } = h;
    const order = e.sandbox.all('orders')[0]!.id;
    const id = await e.insert('shipment', {
      oro_order_id: Number(order),
      carrier: 'UPS',
      tracking_number: '1z-old',
    });
    const table = e.store.tableName(SHIPMENT);
    proxy.setRules([
      {
        match: (r) => r.method === 'POST' && r.path.endsWith('/ordershippingtrackings'),
        times: 1,
        before: async () => {
          await e.store.query(`UPDATE ${table} SET tracking_number = '1Z-OLD' WHERE staging_id = ${id}`);
        },
      },
    ]);
    await pullTracking(e.deps({ oro: async () => client }), { dryRun: false });
    // Marked only with the values applied: '1Z-OLD' is not '1z-old', the row stays NEW.
    expect((await e.rows('shipment'))[0]!['status']).toBe('NEW');
    // The job itself keys tracking numbers without case (src/jobs/pull-tracking-existing.ts,
    // trackingKey): the next run finds the number on the order and marks the row DONE, with
    // no second tracking.
    await pullTracking(e.deps({ oro: async () => client }), { dryRun: false });
    expect((await e.rows('shipment'))[0]!['status']).toBe('DONE');
    expect(e.sandbox.trackings(order).map((t) => t.number)).toEqual(['1z-old']);
  });
});
