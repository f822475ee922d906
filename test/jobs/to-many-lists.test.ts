/**
 * Every to-many relationship a mapping or a stream reads, not only an order's lines, is read past
 * Oro's to-many cap (100 ids before 6.1.8, and nothing says so with `X-Include: noHateoas`:
 * src/oro/to-many.ts). An order's `shippingTrackings` in `orders.customAttributes`, a customer's
 * `children` in `customers.customAttributes` and in a push stream's `json` column: on 6.0 and
 * 6.1.0 each list is read whole from its relationship endpoint before the record is staged, so a
 * record is never staged with part of a list. Without it this file fails: the lists hold 100 ids.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { pushStreamJob } from '../../src/streams/push-stream.js';
import { streamTable } from '../../src/streams/tables.js';
import type { PushStreamDef } from '../../src/streams/types.js';
import { pushBackends, pushEnv, type PushEnv } from './push-env.js';

const backends = pushBackends('to-many-lists.test.ts');

const STREAM = {
  name: 'customer-children',
  direction: 'push',
  resource: 'customers',
  table: 'customer_children',
  key: ['oro_id'],
  columns: {
    oro_id: { source: 'id', type: 'integer' },
    child_ids: { source: 'children', type: 'json' },
  },
};

const customAttributes = (row: Record<string, unknown>): Record<string, unknown> => {
  const v = row['custom_attributes'];
  return (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
};

describe.each(backends)('to-many lists past the cap on $name', (backend) => {
  let env: PushEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  for (const version of ['6.0', '6.1.0'] as const) {
    it(`${version}: 120 trackings of an order and 130 children of a customer are staged whole`, async () => {
      env = await pushEnv(backend, {
        sandbox: { apiVersion: version, seed: { orders: 0, customers: 2 } },
        config: {
          orders: { customAttributes: { trackings: 'shippingTrackings' } },
          customers: { customAttributes: { child_ids: 'children' } },
          streams: [STREAM],
        } as never,
      });
      const parent = env.sandbox.addCustomer({ name: 'Parent' });
      for (let i = 0; i < 130; i++) env.sandbox.addCustomer({ name: `Child ${i}`, parentId: parent });
      const order = env.sandbox.addOrder({ customerId: parent, lines: 2 });
      for (let i = 0; i < 120; i++) await env.oro.createTracking(order, 'UPS', `1Z${i}`);
      env.sandbox.updateOrder(order);
      const children = (env.sandbox.customer(parent)!.relationships['children'] as { id: string }[]).map(
        (c) => c.id,
      );
      expect(children).toHaveLength(130);

      const orders = await env.orders();
      expect(orders.outcome, orders.message).toBe('ok');
      const [row] = await env.store.query(
        `SELECT custom_attributes FROM ${env.store.tableName('order')} WHERE oro_order_id = $1`,
        [Number(order)],
      );
      expect((customAttributes(row!)['trackings'] as string[]).length).toBe(120);

      const customers = await env.customers();
      expect(customers.outcome, customers.message).toBe('ok');
      const rows = (await env.customerRows()).filter((r) => String(r['oro_customer_id']) === parent);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(customAttributes(r)['child_ids']).toEqual(children);

      const def = configSchema.parse({
        oro: { url: env.sandbox.url, clientId: 'x', clientSecret: 'y' },
        staging: { dialect: 'embedded', path: '/unused' },
        streams: [STREAM],
      }).streams[0] as PushStreamDef;
      await env.store.migrate([streamTable(def)]);
      const stream = await pushStreamJob(def)(env.deps(), { dryRun: false });
      expect(stream.outcome, stream.message).toBe('ok');
      const [s] = await env.store.query(
        `SELECT child_ids FROM ${env.store.tableName(streamTable(def))} WHERE oro_id = $1`,
        [Number(parent)],
      );
      const ids = typeof s!['child_ids'] === 'string' ? JSON.parse(s!['child_ids']) : s!['child_ids'];
      expect(ids).toEqual(children);

      // Read from the relationship endpoints, only for the lists at the cap.
      const whole = env.sandbox.requests.filter((q) => q.path.includes('/relationships/'));
      expect(new Set(whole.map((q) => q.path.replace(/^.*\/api\//, '')))).toEqual(
        new Set([
          `orders/${order}/relationships/shippingTrackings`,
          `customers/${parent}/relationships/children`,
        ]),
      );
    });
  }
});
