/**
 * pull-tracking against the Oro sandbox (6.0 and 6.1 relationship shapes) and a real staging
 * store: order resolution, never the same number twice, request economy.
 */
import { describe, expect, it } from 'vitest';
import { pullTracking } from '../../src/jobs/pull-tracking.js';
import { pullBackends, pullFixture, stagedOrder, type PullEnv } from './pull-env.js';

const backends = pullBackends('pull-tracking.test.ts');
const cases = backends.flatMap((b) =>
  (['6.0', '6.1'] as const).map((v) => [`${b.name}, Oro ${v}`, b, v] as const),
);

describe.each(cases)('pull-tracking on %s', (_name, backend, version) => {
  const fx = pullFixture(backend);
  let env: PullEnv | undefined;

  it('resolves orders each way, never creates a number twice, marks every row', async () => {
    env = await fx.open({
      sandbox: { apiVersion: version, seed: { orders: 6, customers: 2, linesPerOrder: [1, 1] } },
    });
    const orders = env.sandbox
      .all('orders')
      .map((o) => ({ id: o.id, identifier: String(o.attributes['identifier']) }));
    const [o1, o2, o3, o4, o5] = orders as [
      (typeof orders)[0],
      (typeof orders)[0],
      (typeof orders)[0],
      (typeof orders)[0],
      (typeof orders)[0],
    ];
    await env.insert('order', stagedOrder(Number(o2.id), o2.identifier, 'SO-0002'));
    await env.insert('order', stagedOrder(Number(o3.id), o3.identifier, null));
    // A tracking that already exists in Oro (say, from a run killed after Oro's 201).
    await env.oro.createTracking(o5.id, 'DHL', 'JD0005');
    const before = env.sandbox.requests.length;

    const ids = {
      direct: await env.insert('shipment', {
        oro_order_id: Number(o1.id),
        carrier: 'UPS',
        tracking_number: '1Z001',
      }),
      byErp: await env.insert('shipment', {
        erp_order_number: 'SO-0002',
        carrier: 'UPS',
        tracking_number: '1Z002',
      }),
      byStagedIdent: await env.insert('shipment', {
        order_identifier: o3.identifier,
        carrier: 'DHL',
        tracking_number: 'JD0003',
      }),
      byOroIdent: await env.insert('shipment', {
        order_identifier: o4.identifier,
        carrier: 'GLS',
        tracking_number: 'G-4',
      }),
      existing: await env.insert('shipment', {
        oro_order_id: Number(o5.id),
        carrier: 'DHL',
        tracking_number: 'JD0005',
      }),
      duplicate: await env.insert('shipment', {
        oro_order_id: Number(o1.id),
        carrier: 'UPS',
        tracking_number: '1z001 ',
      }),
      unknownErp: await env.insert('shipment', {
        erp_order_number: 'SO-9999',
        carrier: 'UPS',
        tracking_number: 'X1',
      }),
      unknownIdent: await env.insert('shipment', {
        order_identifier: 'NO-SUCH-ORDER',
        carrier: 'UPS',
        tracking_number: 'X2',
      }),
      noCarrier: await env.insert('shipment', {
        oro_order_id: Number(o1.id),
        carrier: ' ',
        tracking_number: 'X3',
      }),
      second: await env.insert('shipment', {
        oro_order_id: Number(o1.id),
        carrier: 'UPS',
        tracking_number: '1Z001-B',
      }),
    };
    const report = await pullTracking(env.deps(), { dryRun: false });

    const numbers = (id: string) =>
      env!.sandbox
        .trackings(id)
        .map((t) => `${t.method} ${t.number}`)
        .sort();
    expect(numbers(o1.id)).toEqual(['UPS 1Z001', 'UPS 1Z001-B']);
    expect(numbers(o2.id)).toEqual(['UPS 1Z002']);
    expect(numbers(o3.id)).toEqual(['DHL JD0003']);
    expect(numbers(o4.id)).toEqual(['GLS G-4']);
    expect(numbers(o5.id)).toEqual(['DHL JD0005']);

    const rows = new Map((await env.rows('shipment')).map((r) => [String(r['staging_id']), r]));
    const st = (id: string) => [rows.get(id)?.['status'], String(rows.get(id)?.['sync_message'] ?? '')];
    for (const id of [ids.direct, ids.byErp, ids.byStagedIdent, ids.byOroIdent, ids.second]) {
      expect(st(id)).toEqual(['DONE', expect.stringMatching(/^Created tracking/)]);
    }
    expect(st(ids.existing)).toEqual(['DONE', expect.stringMatching(/already existed/)]);
    expect(st(ids.duplicate)).toEqual(['DONE', expect.stringMatching(/already existed/)]);
    expect(st(ids.unknownErp)).toEqual(['ERROR', expect.stringMatching(/Unknown X3 order number "SO-9999"/)]);
    expect(st(ids.unknownIdent)).toEqual([
      'ERROR',
      expect.stringMatching(/Unknown order identifier "NO-SUCH-ORDER"/),
    ]);
    expect(st(ids.noCarrier)).toEqual(['ERROR', expect.stringMatching(/carrier is empty/)]);
    expect(report.counts).toEqual({ read: 10, written: 5, skipped: 2, failed: 3 });

    // Request economy: creates plus one listing of orders by identifier and one of trackings.
    const apiRequests = env.sandbox.requests.slice(before).filter((r) => r.path.startsWith('/admin/api/'));
    expect(apiRequests.filter((r) => r.method === 'POST')).toHaveLength(5);
    expect(apiRequests.length).toBeLessThanOrEqual(2 * 10);
    expect(apiRequests.length).toBeLessThanOrEqual(5 + 3);

    // Re-running changes nothing.
    const again = await pullTracking(env.deps(), { dryRun: false });
    expect(again.counts.read).toBe(0);
  });

  it('costs at most 2 Oro requests per row on average (300 rows over 60 orders, some by identifier)', async () => {
    env = await fx.open({
      sandbox: { apiVersion: version, seed: { orders: 60, customers: 5, linesPerOrder: [1, 1] } },
    });
    const orders = env.sandbox.all('orders');
    await env.insertMany(
      'shipment',
      Array.from({ length: 300 }, (_, i) => {
        const o = orders[i % orders.length]!;
        const byIdent = i % 3 === 0;
        return {
          oro_order_id: byIdent ? null : Number(o.id),
          order_identifier: byIdent ? String(o.attributes['identifier']) : null,
          carrier: 'UPS',
          tracking_number: `P${i}`,
        };
      }),
    );
    const before = env.sandbox.requests.length;
    const report = await pullTracking(env.deps(), { dryRun: false });
    expect(report.counts).toEqual({ read: 300, written: 300, skipped: 0, failed: 0 });
    const api = env.sandbox.requests.slice(before).filter((r) => r.path.startsWith('/admin/api/'));
    expect(api.length / 300).toBeLessThanOrEqual(2);
    console.warn(`pull-tracking (${backend.name}, Oro ${version}): ${api.length} Oro requests for 300 rows`);
  });

  it('a run that stops at Oro failing leaves rows NEW; the next run never duplicates', async () => {
    env = await fx.open({
      sandbox: { apiVersion: version, seed: { orders: 3, customers: 1, linesPerOrder: [1, 1] } },
    });
    const orderIds = env.sandbox.all('orders').map((o) => Number(o.id));
    for (const [i, id] of orderIds.entries()) {
      await env.insert('shipment', { oro_order_id: id, carrier: 'UPS', tracking_number: `T${i}` });
    }
    const sandbox = env.sandbox;
    const progress = (c: { written: number }) => {
      if (c.written === 1) sandbox.setFaults({ errorRate: { 503: 1 }, retryAfterSeconds: 0 });
    };
    const first = await pullTracking(env.deps({ progress }), { dryRun: false });
    expect(first.error?.kind).toBe('unavailable');
    expect((await env.rows('shipment')).map((r) => r['status'])).toEqual(['DONE', 'NEW', 'NEW']);
    sandbox.setFaults({});
    const second = await pullTracking(env.deps(), { dryRun: false });
    expect(second.outcome).toBe('ok');
    for (const [i, id] of orderIds.entries()) {
      expect(sandbox.trackings(String(id)).map((t) => t.number)).toEqual([`T${i}`]);
    }
  });
});
