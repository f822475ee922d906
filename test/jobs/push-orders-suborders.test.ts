/**
 * Multi-shipping sub-orders and product kits in push-orders (oroinc/orocommerce
 * src/Oro/Bundle/CheckoutBundle/DataProvider/Converter/CheckoutToOrderConverter.php and
 * src/Oro/Bundle/OrderBundle/Resources/config/oro/api.yml `kitItemLineItems`, @6.1.0), against the
 * sandbox's 6.1.0 profile and real staging stores (PGlite; PostgreSQL when SAGESYNC_TEST_PG_URL is
 * set). A main order and its sub-orders are all listed by Oro: each mode of `orders.subOrders`
 * stages the demand once, whichever is read first; kit components land in `kit_items`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pushBackends, pushEnv, type PushEnv } from './push-env.js';

const backends = pushBackends('push-orders-suborders.test.ts');

interface Row {
  oro_order_id: number;
  parent_oro_order_id: number | null;
}

async function headers(env: PushEnv): Promise<Row[]> {
  const rows = await env.store.query(
    `SELECT oro_order_id, parent_oro_order_id FROM ${env.store.tableName('order')} ORDER BY oro_order_id`,
  );
  return rows.map((r) => ({
    oro_order_id: Number(r['oro_order_id']),
    parent_oro_order_id: r['parent_oro_order_id'] === null ? null : Number(r['parent_oro_order_id']),
  }));
}

describe.each(backends)('sub-orders and kits on $name', (backend) => {
  let env: PushEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  /** Two split orders: one whose main order is read before its sub-orders, one after them. */
  async function splitWorld(mode: 'split' | 'main') {
    env = await pushEnv(backend, {
      sandbox: { apiVersion: '6.1.0', seed: { orders: 0, customers: 2 } },
      // Pages of 2: main orders and their sub-orders are read on different pages.
      config: { oro: { pageSize: 2 } as never, orders: { subOrders: mode } },
    });
    const first = env.sandbox.addSplitOrder({
      groups: [2, 3],
      updatedAt: '2026-01-01T10:00:00Z',
      subOrdersUpdatedAt: '2026-01-01T10:05:00Z',
    });
    const later = env.sandbox.addSplitOrder({
      groups: [1, 1, 2],
      updatedAt: '2026-01-01T11:00:00Z',
      subOrdersUpdatedAt: '2026-01-01T10:30:00Z',
    });
    const plain = env.sandbox.addOrder({ lines: 2, updatedAt: '2026-01-01T09:00:00Z' });
    return { first, later, plain };
  }

  it('split (default): each sub-order once with its parent id, no main order; dry-run says why', async () => {
    const { first, later, plain } = await splitWorld('split');
    const dry = await env!.orders({}, { dryRun: true });
    const skipped = (dry.plan ?? []).filter((p) => (p as { skipped?: string }).skipped) as {
      oroOrderId: string;
      skipped: string;
    }[];
    expect(skipped.map((p) => p.oroOrderId).sort()).toEqual([first.main, later.main].sort());
    expect(skipped[0]?.skipped).toMatch(/main order of sub-orders .*orders\.subOrders: split/);
    expect(await headers(env!)).toEqual([]);

    const r = await env!.orders();
    expect(r.outcome, r.message).toBe('ok');
    const want = [
      { oro_order_id: Number(plain), parent_oro_order_id: null },
      ...first.subs.map((id) => ({ oro_order_id: Number(id), parent_oro_order_id: Number(first.main) })),
      ...later.subs.map((id) => ({ oro_order_id: Number(id), parent_oro_order_id: Number(later.main) })),
    ].sort((a, b) => a.oro_order_id - b.oro_order_id);
    expect(await headers(env!)).toEqual(want);
    expect(r.counts.skipped).toBeGreaterThanOrEqual(2);
    // Lines: the sub-orders' own, never the main order's copies as well.
    const lines = (await env!.staged()).reduce((n, s) => n + s.lines, 0);
    expect(lines).toBe(2 + 5 + 4);
    // Nothing more on the next run (the main orders are not staged late either).
    expect((await env!.orders()).counts.written).toBe(0);
    expect(await headers(env!)).toEqual(want);
  });

  it('main: each main order once, none of its sub-orders', async () => {
    const { first, later, plain } = await splitWorld('main');
    const r = await env!.orders();
    expect(r.outcome, r.message).toBe('ok');
    expect(await headers(env!)).toEqual(
      [plain, first.main, later.main]
        .map((id) => ({ oro_order_id: Number(id), parent_oro_order_id: null }))
        .sort((a, b) => a.oro_order_id - b.oro_order_id),
    );
    expect((await env!.staged()).find((s) => String(s.oroOrderId) === first.main)?.lines).toBe(5);
  });

  it('split: a sub-order of a main order staged before it had sub-orders is not staged', async () => {
    env = await pushEnv(backend, { sandbox: { apiVersion: '6.1.0', seed: { orders: 0, customers: 1 } } });
    const main = env.sandbox.addOrder({ lines: 3, updatedAt: '2026-01-01T10:00:00Z' });
    expect((await env.orders()).counts.written).toBe(1);
    const sub = env.sandbox.addOrder({ lines: 1, updatedAt: '2026-01-01T12:00:00Z' });
    env.sandbox.relate('orders', sub, 'parent', { type: 'orders', id: main });
    const warnings: string[] = [];
    const r = await env.orders({
      logger: { error() {}, info() {}, debug() {}, warn: (m: string) => void warnings.push(m) },
    });
    expect(r.outcome, r.message).toBe('ok');
    expect((await headers(env)).map((h) => h.oro_order_id)).toEqual([Number(main)]);
    expect(warnings.join('\n')).toMatch(
      new RegExp(`order ${sub}: sub-order of order ${main}, which was staged`),
    );
  });

  it('kit lines: components in kit_items (sku, name, quantity, unit, price), [] for other lines', async () => {
    env = await pushEnv(backend, { sandbox: { apiVersion: '6.1.0', seed: { orders: 0, customers: 1 } } });
    const id = env.sandbox.addOrder({ lines: 3, kitLines: 1 });
    const r = await env.orders();
    expect(r.outcome, r.message).toBe('ok');
    const lines = await env.lines(Number(id));
    expect(lines).toHaveLength(3);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>[];
    const kit = parse(lines[0]?.['kit_items']);
    const lineRef = (env.sandbox.order(id)!.relationships['lineItems'] as { id: string }[])[0]!.id;
    const components = env.sandbox
      .all('orderproductkititemlineitems')
      .filter((k) => (k.relationships['lineItem'] as { id: string }).id === lineRef);
    expect(kit).toEqual(
      components.map((k) => ({
        sku: k.attributes['productSku'],
        name: k.attributes['productName'],
        quantity: k.attributes['quantity'],
        unit: k.attributes['productUnitCode'],
        price: k.attributes['value'],
        currency: k.attributes['currency'],
      })),
    );
    expect(kit.length).toBeGreaterThanOrEqual(2);
    expect(parse(lines[1]?.['kit_items'])).toEqual([]);
    expect(parse(lines[2]?.['kit_items'])).toEqual([]);
  });
});
