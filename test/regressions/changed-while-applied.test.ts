// @module-tag hostile
/**
 * Issue 18, point 8: X3 changes a NEW row while a run applies it. The row must not end DONE with
 * a value Oro never got: marking compares the applied columns, the row stays NEW and the next run
 * applies the new value. X3's change is made while Oro handles the request (a hook of the hostile
 * proxy), on PGlite and on PostgreSQL when it is available.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pullCredit } from '../../src/jobs/pull-credit.js';
import { pullTracking } from '../../src/jobs/pull-tracking.js';
import { CREDIT_LIMIT, SHIPMENT } from '../../src/staging/tables.js';
import { hostilePullEnv, pullBackends, type HostilePullEnv } from '../jobs/pull-env.js';

const backends = pullBackends('changed-while-applied.test.ts');
let h: HostilePullEnv | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setUp(backend: (typeof backends)[number]): Promise<HostilePullEnv> {
  h = await hostilePullEnv(backend, { seed: { orders: 3, customers: 2, linesPerOrder: [1, 1] } });
  return h;
}

describe.each(backends)('a row X3 changes mid-run, on $name', (backend) => {
  it('credit: stays NEW after 100 was applied, and 200 is applied by the next run', async () => {
    const { env: e, proxy, client } = await setUp(backend);
    const customer = e.sandbox.all('customers')[0]!.id;
    await e.insert('customer_map', { oro_customer_id: Number(customer), erp_customer_code: 'C1' });
    const id = await e.insert('credit_limit', { erp_customer_code: 'C1', credit_limit: '100' });
    const table = e.store.tableName(CREDIT_LIMIT);
    proxy.setRules([
      {
        match: (r) => r.method === 'PATCH',
        times: 1,
        before: async () => {
          await e.store.query(`UPDATE ${table} SET credit_limit = 200 WHERE staging_id = ${id}`);
        },
      },
    ]);
    const first = await pullCredit(e.deps({ oro: async () => client }), { dryRun: false });
    expect(first.message).toContain('1 row was changed in the staging table');
    expect(String(e.sandbox.customer(customer)!.attributes['creditLimit'])).toMatch(/^100(\.0+)?$/);
    expect((await e.rows('credit_limit'))[0]!['status']).toBe('NEW');

    await pullCredit(e.deps({ oro: async () => client }), { dryRun: false });
    expect(String(e.sandbox.customer(customer)!.attributes['creditLimit'])).toMatch(/^200(\.0+)?$/);
    expect((await e.rows('credit_limit'))[0]!['status']).toBe('DONE');
  });

  it('shipment: a tracking number changed mid-run is created by the next run before DONE', async () => {
    const { env: e, proxy, client } = await setUp(backend);
    const order = e.sandbox.all('orders')[0]!.id;
    const id = await e.insert('shipment', {
      oro_order_id: Number(order),
      carrier: 'UPS',
      tracking_number: '1Z-OLD',
    });
    const table = e.store.tableName(SHIPMENT);
    proxy.setRules([
      {
        match: (r) => r.method === 'POST' && r.path.endsWith('/ordershippingtrackings'),
        times: 1,
        before: async () => {
          await e.store.query(`UPDATE ${table} SET tracking_number = '1Z-NEW' WHERE staging_id = ${id}`);
        },
      },
    ]);
    await pullTracking(e.deps({ oro: async () => client }), { dryRun: false });
    expect((await e.rows('shipment'))[0]!['status']).toBe('NEW');
    await pullTracking(e.deps({ oro: async () => client }), { dryRun: false });
    const row = (await e.rows('shipment'))[0]!;
    expect(row['status']).toBe('DONE');
    expect(e.sandbox.trackings(order).map((t) => t.number)).toContain('1Z-NEW');
  });
});
