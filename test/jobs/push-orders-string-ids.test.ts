/**
 * Resources Oro will not page and string-id resources (issue 16, point 5; oroinc/platform
 * GetWithFiltersTest.php and ApiBundle/Resources/config/oro/app.yml
 * `filter_disallow_array_data_types`, @6.1.0):
 * a mapping path through the order's internal status (`internalStatus.name`) reads
 * `orderinternalstatuses` whole, once, without paging parameters (a 400 there) and without a
 * comma list in `filter[id]` (one literal value there, matching nothing). Before, such a path
 * failed the job or quarantined every order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pushBackends, pushEnv, type PushEnv } from './push-env.js';

const backends = pushBackends('push-orders-string-ids.test.ts');

describe.each(backends)('string-id and unpaged resources on $name', (backend) => {
  let env: PushEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  for (const version of ['6.0', '6.1.0'] as const) {
    it(`${version}: internalStatus.name is read from the whole status list, every order staged`, async () => {
      env = await pushEnv(backend, {
        sandbox: { apiVersion: version, seed: { orders: 60, customers: 5, linesPerOrder: [1, 2] } },
        config: { orders: { customAttributes: { status: 'internalStatus.name' } } },
      });
      const r = await env.orders();
      expect(r.outcome, r.message).toBe('ok');
      expect(r.counts.failed).toBe(0);
      expect(await env.quarantine()).toEqual([]);
      const names = new Map(
        env.sandbox.all('orderinternalstatuses').map((s) => [s.id, s.attributes['name']]),
      );
      const rows = await env.store.query(
        `SELECT oro_order_id, custom_attributes FROM ${env.store.tableName('order')} ORDER BY oro_order_id`,
      );
      expect(rows).toHaveLength(60);
      const statuses = new Set<unknown>();
      for (const row of rows) {
        const attrs = (
          typeof row['custom_attributes'] === 'string'
            ? JSON.parse(row['custom_attributes'])
            : row['custom_attributes']
        ) as { status: unknown };
        const order = env.sandbox.order(String(row['oro_order_id']))!;
        const status = (order.relationships['internalStatus'] as { id: string }).id;
        expect(attrs.status).toBe(names.get(status));
        statuses.add(status);
      }
      expect(statuses.size).toBeGreaterThan(1);
      const reads = env.sandbox.requests.filter((q) => q.path.endsWith('/orderinternalstatuses'));
      expect(reads).toHaveLength(1);
      expect(reads[0]!.query).not.toMatch(/page|filter/);
      expect(reads[0]!.status).toBe(200);
    });
  }
});
