/**
 * The X3 simulator against the real staging store: PGlite always, the real PostgreSQL server when
 * SAGESYNC_TEST_PG_URL is set (own random schema, dropped at the end).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { openStore } from '../../src/staging/open-store.js';
import type { Row, StagingStore } from '../../src/staging/store.js';
import { CUSTOMER, ORDER, ORDER_LINE } from '../../src/staging/tables.js';
import { X3Simulator } from '../../tools/x3sim/simulator.js';

const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
if (!pgUrl)
  console.warn('test/x3sim/simulator.test.ts: PostgreSQL backend skipped, SAGESYNC_TEST_PG_URL is not set');
const schema = `t_x3sim_${randomBytes(4).toString('hex')}`;
const oro = { url: 'https://shop.example.com', clientId: 'c', clientSecret: 's' };
const backends = [
  { name: 'pglite', staging: { dialect: 'embedded', path: 'memory://' } },
  ...(pgUrl
    ? [{ name: 'postgres', staging: { dialect: 'postgres', url: pgUrl, schema, tls: { enabled: false } } }]
    : []),
];
console.info(`x3sim backends: ${backends.map((b) => b.name).join(', ')}`);

const customerRow = (id: number, name: string): Row => ({
  oro_customer_id: id,
  name,
  custom_attributes: '{}',
  reason: 'order',
  payload_hash: `${id}`.padStart(64, '0'),
});
const orderRow = (id: number, customer: number): Row => ({
  oro_order_id: id,
  order_identifier: `ORD-${id}`,
  oro_customer_id: customer,
  currency: 'USD',
  total: '10.0000',
  order_created_at: new Date('2026-01-01T00:00:00Z'),
  custom_attributes: '{}',
});

async function stageOrders(store: StagingStore, orders: [number, number][]): Promise<void> {
  const customers = [...new Set(orders.map(([, c]) => c))];
  await store.stage({
    job: 'test',
    writes: [
      {
        table: CUSTOMER,
        rows: customers.map((c) => customerRow(c, c === 3 ? 'Blocked Corp' : `Customer ${c}`)),
        conflictColumns: ['oro_customer_id', 'payload_hash'],
      },
      {
        table: ORDER,
        rows: orders.map(([o, c]) => orderRow(o, c)),
        conflictColumns: ['oro_order_id'],
        children: {
          table: ORDER_LINE,
          foreignKey: 'order_staging_id',
          parentKey: 'oro_order_id',
          conflictColumns: ['order_staging_id', 'oro_line_item_id'],
          rowsByParent: new Map(
            orders.map(([o]) => [
              o,
              [
                {
                  oro_order_id: o,
                  oro_line_item_id: o * 10,
                  line_number: 1,
                  sku: 'SKU',
                  quantity: '1',
                  custom_attributes: '{}',
                },
              ],
            ]),
          ),
        },
      },
    ],
  });
}

describe.each(backends)('X3 simulator on $name', ({ staging }) => {
  let store: StagingStore;
  const rows = (sql: string) =>
    store.query(sql.replaceAll('$T_', `${store.tableName('customer').replace(/customer$/, '')}`));
  beforeAll(async () => {
    store = await openStore(configSchema.parse({ oro, staging }));
    await store.migrate();
  });
  afterAll(async () => {
    if (staging.dialect === 'postgres') await store?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await store?.close();
  });

  it('creates customers and orders with X3 codes, rejects the chosen ones, writes credit limits and parcels', async () => {
    await stageOrders(store, [
      [101, 1],
      [102, 2],
      [103, 2],
      [104, 3],
    ]);
    const sim = new X3Simulator(store, {
      rejectOrders: [{ match: 'ORD-103', message: 'Item SKU is blocked (ITMREF).' }],
      rejectCustomers: [{ match: 'Blocked Corp' }],
      creditLimits: { C00002: '0' },
      clock: () => new Date('2026-05-01T00:00:00Z'),
    });
    const r = await sim.pass();
    expect(r.customers.map((c) => [c.oroCustomerId, c.code])).toEqual([
      [1, 'C00001'],
      [2, 'C00002'],
      [3, null],
    ]);
    expect(r.customers[2]?.message).toMatch(/BCGCOD/);
    const byOrder = new Map(r.orders.map((o) => [o.oroOrderId, o]));
    expect(byOrder.get(101)?.number).toMatch(/^SOH26\d{5}$/);
    expect(byOrder.get(103)).toMatchObject({ number: null, message: 'Item SKU is blocked (ITMREF).' });
    expect(byOrder.get(104)?.message).toMatch(/sold-to customer .* rejected/);
    expect(r.creditLimits).toEqual([
      { code: 'C00001', oroCustomerId: 1, limit: '25000.0000' },
      { code: 'C00002', oroCustomerId: 2, limit: '0' },
    ]);
    expect(r.shipments.map((s) => s.erpOrderNumber).sort()).toEqual(
      [byOrder.get(101)?.number, byOrder.get(102)?.number].sort(),
    );
    expect(new Set(r.shipments.map((s) => s.carrier)).size).toBe(2);

    // What X3 wrote is in the tables, in the contract's columns.
    const orders = await rows(
      'SELECT oro_order_id, status, erp_order_number, erp_message, processed_at FROM $T_order ORDER BY oro_order_id',
    );
    expect(orders.map((o) => o.status)).toEqual(['DONE', 'DONE', 'ERROR', 'ERROR']);
    expect(orders.every((o) => o.processed_at !== null)).toBe(true);
    const credit = await rows(
      'SELECT erp_customer_code, credit_limit, status FROM $T_credit_limit ORDER BY erp_customer_code',
    );
    expect(credit.map((c) => [c.erp_customer_code, Number(c.credit_limit), c.status])).toEqual([
      ['C00001', 25000, 'NEW'],
      ['C00002', 0, 'NEW'],
    ]);
    const ship = await rows(
      'SELECT erp_order_number, carrier, tracking_number, erp_delivery_number, shipped_at, status FROM $T_shipment',
    );
    expect(ship).toHaveLength(2);
    expect(ship.every((s) => /^SDH26\d{5}$/.test(String(s.erp_delivery_number)) && s.status === 'NEW')).toBe(
      true,
    );

    // sagesync learns the codes from the rows X3 marked DONE.
    const learnt = await store.learnCustomerCodes();
    expect(learnt.learnt.map((l) => l.code).sort()).toEqual(['C00001', 'C00002']);
  });

  it('is idempotent: a second pass writes nothing twice', async () => {
    const again = await new X3Simulator(store).pass();
    expect(again).toEqual({ customers: [], orders: [], ordersWaiting: 0, creditLimits: [], shipments: [] });
    const [n] = await rows('SELECT COUNT(*) AS n FROM $T_shipment');
    expect(Number(n?.n)).toBe(2);
  });

  it('waits with an order whose customer X3 has not processed yet, then creates it', async () => {
    await stageOrders(store, [[105, 5]]);
    const sim = new X3Simulator(store);
    const first = await sim.processOrders();
    expect(first).toEqual({ orders: [], waiting: 1 });
    const next = await sim.pass();
    expect(next.customers.map((c) => c.code)).toEqual(['C00005']);
    expect(next.orders.map((o) => o.oroOrderId)).toEqual([105]);
    expect(next.shipments).toHaveLength(1);
  });
});
