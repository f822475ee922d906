/**
 * push-orders against the real sandbox and real staging stores (PGlite; PostgreSQL when
 * SAGESYNC_TEST_PG_URL is set): exactly once with all lines, customers first, criteria, changes
 * while the job runs, dry-run, --id, quarantine and its retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxResource } from '../../tools/sandbox/types.js';
import { expectExactlyOnce, OPEN_WITH_PO, qualifies, rel } from './open-po-orders.js';
import { ordersUntilQuiet, pushBackends, pushEnv, sameMoney, type PushEnv } from './push-env.js';

const ORDERS = 2000;
const backends = pushBackends('push-orders.test.ts');

describe.each(backends)('push-orders on $name', (backend) => {
  let env: PushEnv;
  beforeAll(async () => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: ORDERS, customers: 120, linesPerOrder: [1, 5], sameUpdatedAt: 7, seed: 4 } },
      config: {
        oro: { pageSize: 50 } as never,
        orders: { batchSize: 20, criteria: OPEN_WITH_PO },
      },
    });
  }, 180_000);
  afterAll(async () => env?.close(), 60_000);

  it(
    'dry-run plans and writes nothing (no rows, no cursor, no quarantine)',
    { timeout: 120_000 },
    async () => {
      const r = await env.orders({}, { dryRun: true });
      expect(r.outcome).not.toBe('failed');
      expect(r.counts.written).toBeGreaterThan(1000);
      expect((r.plan ?? []).some((p) => (p as { table: string }).table === 'order')).toBe(true);
      expect(await env.staged()).toEqual([]);
      expect(await env.customerRows()).toEqual([]);
      expect(await env.quarantine()).toEqual([]);
      expect(await env.store.getCursor('push-orders')).toBeNull();
    },
  );

  it('--id stages exactly those orders, if they qualify, without moving the cursor', async () => {
    const all = env.sandbox.all('orders');
    const yes = all.filter(qualifies).slice(0, 2);
    const no = all.find((o) => !qualifies(o)) as SandboxResource;
    const ids = [...yes.map((o) => o.id), no.id];
    const r = await env.orders({}, { ids: [ids.join(',')] });
    expect(r.counts.written).toBe(2);
    expect((await env.staged()).map((s) => String(s.oroOrderId))).toEqual(yes.map((o) => o.id));
    expect(await env.store.getCursor('push-orders')).toBeNull();
    const again = await env.orders({}, { ids });
    expect(again.counts.written).toBe(0);
    expect((await env.staged()).length).toBe(2);
  });

  it(
    'stages every qualifying order once, with its lines and totals, through changes made while it runs',
    { timeout: 180_000 },
    async () => {
      let mutated = false;
      const added: string[] = [];
      const progress = (c: { read: number }) => {
        if (mutated || c.read < 700) return;
        mutated = true;
        const all = env.sandbox.all('orders');
        // New orders, orders not read yet and orders already read change while the job runs.
        for (let i = 0; i < 15; i++)
          added.push(env.sandbox.addOrder({ attributes: { poNumber: `NEW-${i}` } }));
        for (const o of all.slice(0, 30))
          env.sandbox.updateOrder(o.id, { attributes: { customerNotes: 'edited' } });
        for (const o of all.slice(-30))
          env.sandbox.updateOrder(o.id, { attributes: { customerNotes: 'edited' } });
        // An order that did not qualify (no PO number) now does: its new updatedAt brings it back.
        const late = all.find((o) => rel(o, 'internalStatus') === 'open' && o.attributes.poNumber === null);
        if (late) env.sandbox.updateOrder(late.id, { attributes: { poNumber: 'LATE-PO' } });
      };
      const reports = await ordersUntilQuiet(env, 6, { progress });
      expect(mutated).toBe(true);
      expect(reports.at(-1)?.counts.written).toBe(0);

      await expectExactlyOnce(env);
      const staged = new Set((await env.staged()).map((s) => s.oroOrderId));
      for (const id of added) {
        expect(staged.has(Number(id))).toBe(qualifies(env.sandbox.order(id) as SandboxResource));
      }
    },
  );

  it('maps lines in Oro order with exact quantities and prices', async () => {
    const o = env.sandbox.all('orders').filter(qualifies).at(-1) as SandboxResource;
    const lines = await env.lines(Number(o.id));
    const refs = o.relationships.lineItems as { id: string }[];
    expect(lines.map((l) => String(l.oro_line_item_id))).toEqual(refs.map((r) => r.id));
    expect(lines.map((l) => Number(l.line_number))).toEqual(refs.map((_, i) => i + 1));
    const first = env.sandbox.all('orderlineitems').find((l) => l.id === refs[0]?.id) as SandboxResource;
    expect(lines[0]?.sku).toBe(first.attributes.productSku);
    expect(sameMoney(lines[0]?.unit_price, first.attributes.value)).toBe(true);
    expect(sameMoney(lines[0]?.quantity, first.attributes.quantity)).toBe(true);
  });

  it('a later run stages only what changed into qualifying; the cursor holds', async () => {
    const cursor = await env.store.getCursor('push-orders');
    expect(cursor).not.toBeNull();
    const r = await env.orders();
    expect(r.counts.written).toBe(0);
    const target = env.sandbox
      .all('orders')
      .find((o) => !qualifies(o) && rel(o, 'internalStatus') === 'open');
    expect(target).toBeDefined();
    env.sandbox.updateOrder(target!.id, { attributes: { poNumber: 'PO-NOW' } });
    const r2 = await env.orders();
    expect(r2.counts.written).toBe(1);
    expect((await env.staged()).some((s) => s.oroOrderId === Number(target!.id))).toBe(true);
  });
});
