/**
 * Exact SQL of the PostgreSQL dialect, next to the T-SQL one (mssql-sql.test.ts): every statement
 * a full scenario of store calls sends, with its parameters, pinned in a reviewed golden file.
 * Unlike SQL Server's, these statements also RUN: the scenario goes through a real PGlite, so a
 * golden statement that PostgreSQL would refuse fails here. A few builders are pinned inline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDriver, PgQueryable } from '../../src/staging/postgres/postgres-driver.js';
import { PgliteDriver, pgliteParsers } from '../../src/staging/postgres/pglite-driver.js';
import { createPglite } from '../../src/staging/postgres/pglite-template.js';
import { PostgresStore } from '../../src/staging/postgres/postgres-store.js';
import { CREDIT_LIMIT, ORDER, ORDER_LINE, SHIPMENT } from '../../src/staging/tables.js';

const names = { schema: 'public', prefix: 'sagesync_' };

interface Sent {
  text: string;
  params: readonly unknown[];
  name?: string;
}

function recording(q: PgQueryable, log: Sent[]): PgQueryable {
  return {
    query(text, params, name) {
      log.push({ text, params: params ?? [], ...(name ? { name } : {}) });
      return q.query(text, params, name);
    },
  };
}

function recordingDriver(driver: PgDriver, log: Sent[]): PgDriver {
  const q = recording(driver, log);
  return {
    kind: driver.kind,
    query: (text, params, name) => q.query(text, params, name),
    transaction: (fn) => driver.transaction((tx) => fn(recording(tx, log))),
    tryLock: (name, key) => driver.tryLock(name, key),
    close: () => driver.close(),
  };
}

const show = (v: unknown): string => (v instanceof Date ? v.toISOString() : JSON.stringify(v));

let db: PGlite;
beforeAll(async () => {
  db = await createPglite('memory://', { parsers: pgliteParsers });
}, 180_000);
afterAll(async () => {
  await db.close();
});

describe('every statement the PostgreSQL store sends (golden file)', () => {
  it('matches test/staging/__golden__/postgres-statements.sql, and PGlite runs each of them', async () => {
    const log: Sent[] = [];
    const store = new PostgresStore(recordingDriver(new PgliteDriver(db, null), log), names, 'memory://');
    const now = new Date('2026-05-06T07:08:09.010Z');
    await store.migrate();
    // Again: the tables are there, so it reads the catalog and changes nothing.
    await store.migrate();
    await store.schemaVersion();
    const lock = await store.tryLock('push-orders');
    await store.getCursor('push-orders');
    // Writes to distinct tables: one statement of data-modifying CTEs.
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
    // Two writes to one table: the multi-statement transaction.
    await store.stage({
      job: 'push-orders',
      cursor: 'd',
      resolved: [{ entity: 'order', entityId: '2' }],
      writes: [
        {
          table: ORDER,
          rows: [
            {
              oro_order_id: 2,
              order_identifier: 'B',
              oro_customer_id: 2,
              currency: 'EUR',
              total: '2.5000',
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
                2,
                [
                  {
                    oro_order_id: 2,
                    oro_line_item_id: 10,
                    line_number: 1,
                    sku: 'S "q" \\ b',
                    quantity: '1',
                    custom_attributes: '{}',
                  },
                ],
              ],
            ]),
          },
        },
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
        },
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
    await store.pendingInbound(SHIPMENT, { limit: 10, ids: ['1', '2'], afterId: '0' });
    await store.finishInbound(SHIPMENT, [
      { stagingId: '1', status: 'DONE', message: null, expect: { tracking_number: 'T', shipped_at: null } },
      { stagingId: '2', status: 'ERROR', message: 'no order' },
    ]);
    await store.quarantine([{ job: 'push-orders', entity: 'order', entityId: '1', error: 'e' }], now);
    await store.dueQuarantine('push-orders', now, 5);
    await store.openQuarantine();
    await store.openQuarantine('push-orders');
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
          `-- params: ${s.params.map(show).join(', ') || '(none)'}${s.name ? ` (prepared as ${s.name})` : ''}\n${s.text}\n`,
      )
      .join('\n');
    await expect(text).toMatchFileSnapshot('__golden__/postgres-statements.sql');
  });
});
