// @module-tag hostile
/**
 * The tricky-input set of STYLE.md through push-orders, on every available backend: each record
 * ends staged exactly as Oro sent it, or quarantined with a reason that names the column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER } from '../../src/staging/tables.js';
import { pushBackends, pushEnv, type PushEnv } from './push-env.js';

const backends = pushBackends('tricky-inputs.test.ts');

describe.each(backends)('tricky inputs on $name', (backend) => {
  let env: PushEnv;
  const ids: Record<string, string> = {};
  const firstLine = (orderId: string): string =>
    (env.sandbox.order(orderId)?.relationships.lineItems as { id: string }[])[0]?.id as string;
  const setLine = (orderId: string, attributes: Record<string, unknown>) =>
    env.sandbox.updateResource('orderlineitems', firstLine(orderId), {
      attributes,
      updatedAt: '2026-01-01T00:00:00Z',
    });
  const add = (
    name: string,
    attributes: Record<string, unknown> = {},
    updatedAt = '2026-01-01T00:00:00Z',
  ) => {
    ids[name] = env.sandbox.addOrder({ customerId: '1', lines: 2, updatedAt, attributes });
    return ids[name];
  };
  const header = async (id: string) =>
    (
      await env.store.query(`SELECT * FROM ${env.store.tableName(ORDER)} WHERE oro_order_id = $1`, [
        Number(id),
      ])
    )[0];

  beforeAll(async () => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 0, customers: 3, seed: 5 } },
      config: { oro: { pageSize: 5 } as never, orders: { batchSize: 3 } },
    });
    add('unicode', { poNumber: 'PO-😀-Zoë-東京', customerNotes: 'Ünïcødé 🚀 « » „“ \u{1F600}' });
    setLine(ids.unicode as string, { productName: 'Schraube M8×40 ⚙️ 李' });
    add('sql', {
      poNumber: "'; DROP TABLE sagesync_order; --",
      customerNotes: 'Robert"); DROP TABLE x;-- \\ %_',
    });
    setLine(ids.sql as string, { productSku: `SKU-'1";--` });
    add('longPo', { poNumber: 'P'.repeat(256) });
    add('longLine');
    setLine(ids.longLine as string, { productName: 'N'.repeat(400) });
    add('noSku');
    setLine(ids.noSku as string, { productSku: null });
    add('noCurrency', { currency: null });
    add('badCurrency', { currency: 'XYZ' });
    add('noTotal', { totalValue: null });
    add('money', { totalValue: '12345.6789', subtotalValue: '0.0001' });
    add('fiveDecimals', { totalValue: '1.23456' });
    add('noAddress');
    env.sandbox.relate('orders', ids.noAddress as string, 'billingAddress', null);
    env.sandbox.relate('orders', ids.noAddress as string, 'customerUser', null);
    add('twice');
    // 13 orders on one second with page size 5: the group spans three pages.
    for (let i = 0; i < 13; i++) add(`same${i}`, {}, '2026-01-02T00:00:00Z');
    add('changing', {}, '2026-01-02T00:00:00Z');
    const longCustomer = env.sandbox.addCustomer({
      name: 'C'.repeat(300),
      updatedAt: '2026-01-01T00:00:00Z',
    });
    ids.longCustomer = env.sandbox.addOrder({
      customerId: longCustomer,
      lines: 1,
      updatedAt: '2026-01-01T00:00:00Z',
    });
  }, 180_000);
  afterAll(async () => env?.close(), 60_000);

  it('the same record twice (--id 7,7) is staged once', async () => {
    const r = await env.orders({}, { ids: [`${ids.twice},${ids.twice}`, ids.twice as string] });
    expect(r.counts.written).toBe(1);
    expect((await env.orders({}, { ids: [ids.twice as string] })).counts.written).toBe(0);
  });

  it('stages what is valid exactly and quarantines the rest with reasons', async () => {
    let changed = false;
    const r = await env.orders({
      progress: () => {
        if (changed) return;
        changed = true; // a record that changes while being read: met again later, staged once
        env.sandbox.updateOrder(ids.changing as string, {
          attributes: { customerNotes: 'changed mid-read' },
        });
      },
    });
    expect(r.outcome).toBe('records-failed');
    const reasons = Object.fromEntries(r.failures.map((f) => [f.id, f.reason]));
    const reason = (name: string) => reasons[ids[name] as string];
    expect(reason('longPo')).toMatch(
      /^po_number \(Oro poNumber\) is 256 characters long, the column holds at most 255/,
    );
    expect(reason('longLine')).toMatch(
      /^line 1 \(Oro line item \d+\): product_name .* is 400 characters long/,
    );
    expect(reason('noSku')).toMatch(
      /^line 1 \(Oro line item \d+\): sku \(Oro productSku\) is required but missing/,
    );
    expect(reason('noCurrency')).toMatch(/currency \(Oro currency\) is required but missing/);
    expect(reason('badCurrency')).toMatch(/not an ISO 4217 currency code \(.*\) \(got "XYZ"\)/);
    expect(reason('noTotal')).toMatch(/total \(Oro totalValue\) is required but missing/);
    expect(reason('fiveDecimals')).toMatch(/1\.23456 has 5 decimal places, the column keeps 4/);
    expect(reason('longCustomer')).toMatch(/its customer \d+ cannot be staged: name .* 300 characters/);
    expect(Object.keys(reasons)).toHaveLength(8);

    const q = await env.quarantine();
    expect(q.map((x) => String(x.entity_id)).sort()).toEqual(Object.keys(reasons).sort());
    expect(q.every((x) => String(x.last_error).length > 20 && x.resolved_at === null)).toBe(true);

    const staged = new Set((await env.staged()).map((s) => String(s.oroOrderId)));
    for (const name of ['unicode', 'sql', 'money', 'noAddress', 'twice', 'changing']) {
      expect(staged.has(ids[name] as string), name).toBe(true);
    }
    for (let i = 0; i < 13; i++) expect(staged.has(ids[`same${i}`] as string)).toBe(true);
    expect(staged.size).toBe(6 + 13);

    expect(await header(ids.unicode as string)).toMatchObject({
      po_number: 'PO-😀-Zoë-東京',
      customer_notes: 'Ünïcødé 🚀 « » „“ \u{1F600}',
    });
    expect((await env.lines(Number(ids.unicode)))[0]?.product_name).toBe('Schraube M8×40 ⚙️ 李');
    expect(await header(ids.sql as string)).toMatchObject({
      po_number: "'; DROP TABLE sagesync_order; --",
      customer_notes: 'Robert"); DROP TABLE x;-- \\ %_',
    });
    expect((await env.lines(Number(ids.sql)))[0]?.sku).toBe(`SKU-'1";--`);
    const money = await header(ids.money as string);
    expect(String(money?.total)).toBe('12345.6789');
    expect(String(money?.subtotal)).toBe('0.0001');
    expect(await header(ids.noAddress as string)).toMatchObject({
      bill_street: null,
      bill_country_code: null,
      oro_customer_user_id: null,
      customer_user_email: null,
    });
  });

  it('a fixed record leaves quarantine on the next run; the others stay', async () => {
    env.sandbox.updateOrder(ids.longPo as string, { attributes: { poNumber: 'PO-fixed' } });
    const r = await env.orders();
    expect(r.counts.written).toBe(1);
    const q = await env.quarantine();
    const entry = (name: string) => q.find((x) => String(x.entity_id) === ids[name]);
    expect(entry('longPo')?.resolved_at).not.toBeNull();
    expect(entry('noSku')?.resolved_at).toBeNull();
    // Retried by id once due (backoff): still failing, attempts grow; nothing staged twice.
    const later = new Date(Date.now() + 7 * 24 * 3600_000);
    const retry = await env.orders({ clock: () => later });
    expect(retry.counts.written).toBe(0);
    const q2 = await env.quarantine();
    expect(Number(q2.find((x) => String(x.entity_id) === ids.noSku)?.attempts)).toBeGreaterThan(
      Number(entry('noSku')?.attempts),
    );
  });
});
