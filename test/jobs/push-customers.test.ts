/**
 * push-customers against the real sandbox and staging stores: a snapshot only when the watched
 * values changed, X3 codes learnt (conflicts reported with both ids), quarantine, dry-run, --id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER } from '../../src/staging/tables.js';
import { pushBackends, pushEnv, type PushEnv } from './push-env.js';

const backends = pushBackends('push-customers.test.ts');

describe.each(backends)('push-customers on $name', (backend) => {
  let env: PushEnv;
  beforeAll(async () => {
    env = await pushEnv(backend, { sandbox: { seed: { orders: 30, customers: 25, seed: 9 } } });
  }, 180_000);
  afterAll(async () => env?.close(), 60_000);

  it('dry-run lists every customer and writes nothing', async () => {
    const r = await env.customers({}, { dryRun: true });
    expect(r.outcome).toBe('ok');
    expect(r.plan).toHaveLength(25);
    expect(await env.customerRows()).toEqual([]);
    expect(await env.store.getCursor('push-customers')).toBeNull();
  });

  it('stages each customer once, then only on a watched change', async () => {
    const r = await env.customers();
    expect(r.outcome).toBe('ok');
    expect(r.counts.written).toBe(25);
    const rows = await env.customerRows();
    expect(rows.every((x) => x.reason === 'change' && /^[0-9a-f]{64}$/.test(String(x.payload_hash)))).toBe(
      true,
    );
    const c = env.sandbox.customer('3');
    expect(rows.find((x) => Number(x.oro_customer_id) === 3)?.name).toBe(c?.attributes.name);

    expect((await env.customers()).counts.written).toBe(0);
    // A newer updatedAt without a business change: no new snapshot.
    env.sandbox.updateCustomer('4', {});
    expect((await env.customers()).counts.written).toBe(0);
    env.sandbox.updateCustomer('5', { attributes: { name: 'Renamed 🚀 "Ltd"' } });
    const r2 = await env.customers();
    expect(r2.counts.written).toBe(1);
    const latest = (await env.customerRows()).at(-1);
    expect(latest).toMatchObject({ name: 'Renamed 🚀 "Ltd"', reason: 'change' });
  });

  it('quarantines a value too long for its column, then stages it once fixed', async () => {
    const id = env.sandbox.addCustomer({ name: 'N'.repeat(300) });
    const r = await env.customers();
    expect(r.outcome).toBe('records-failed');
    expect(r.failures).toEqual([
      {
        entity: 'customer',
        id,
        reason: expect.stringContaining('is 300 characters long, the column holds at most 255'),
      },
    ]);
    const q = await env.quarantine();
    expect(q.map((x) => [x.entity, x.entity_id, x.resolved_at])).toEqual([['customer', id, null]]);
    env.sandbox.updateCustomer(id, { attributes: { name: 'Short name' } });
    const r2 = await env.customers();
    expect(r2.outcome).toBe('ok');
    expect(r2.counts.written).toBe(1);
    expect((await env.quarantine())[0]?.resolved_at).not.toBeNull();
  });

  it('--id stages a manual snapshot only when it differs', async () => {
    const r = await env.customers({}, { ids: ['6'] });
    expect(r.counts.written).toBe(0);
    expect(r.counts.skipped).toBe(1);
  });

  it('learns X3 codes and reports a code claimed by two customers with both ids', async () => {
    const t = env.store.tableName(CUSTOMER);
    await env.store.query(
      `UPDATE ${t} SET status = 'DONE', erp_customer_code = 'C100' WHERE oro_customer_id = 7 AND reason = 'change'`,
    );
    await env.store.query(
      `UPDATE ${t} SET status = 'DONE', erp_customer_code = 'C200' WHERE oro_customer_id IN (8, 9)`,
    );
    const r = await env.customers();
    expect(r.outcome).toBe('records-failed');
    const conflict = r.failures.find((f) => f.entity === 'customer-code');
    expect(conflict?.reason).toMatch(/C200 is claimed by Oro customers (8 and 9|9 and 8)/);
    expect((await env.store.customerCodes([7])).get(7)).toBe('C100');
    env.sandbox.updateCustomer('7', { attributes: { name: 'Seven' } });
    await env.customers();
    const row = (await env.customerRows()).filter((x) => Number(x.oro_customer_id) === 7).at(-1);
    expect(row).toMatchObject({ name: 'Seven', erp_customer_code: 'C100' });
  });
});
