/**
 * Regression: the sandbox served no `customergroups` / `paymentterms`, so every run warned that
 * Oro would not let the API user read them (under cron: a warning every minute) and the customer's
 * group and payment term were never exercised. Both resources exist in Oro (customer-portal 6.1.0
 * `src/Oro/Bundle/CustomerBundle/Resources/config/oro/api.yml`, orocommerce 6.1.0
 * `src/Oro/Bundle/PaymentTermBundle/Resources/config/oro/api.yml`); the snapshot must carry their
 * `name` / `label`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log/types.js';
import { pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';

const backend = pushBackends('customer-group-and-terms')[0]!;

describe('customer group and payment term', () => {
  let env: PushEnv;
  const warnings: string[] = [];
  const logger: Logger = { error() {}, warn: (m) => warnings.push(m), info() {}, debug() {} };
  beforeAll(async () => {
    env = await pushEnv(backend, { sandbox: { seed: { customers: 6, orders: 12, linesPerOrder: [1, 2] } } });
  });
  afterAll(async () => env?.close());

  it('are read from Oro into the customer snapshot, without warnings', async () => {
    const report = await env.orders({ logger });
    expect(report.outcome).toBe('ok');
    expect(warnings).toEqual([]);
    const rows = await env.customerRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const c = env.sandbox.customer(String(row.oro_customer_id));
      const group = c?.relationships.group as { id: string } | null | undefined;
      expect(row.group_name).toBe(
        { '1': 'Wholesale', '2': 'Retail', '3': 'Partners' }[group?.id ?? ''] ?? null,
      );
      expect([null, 'Net 30', 'Net 60']).toContain(row.payment_term);
    }
    expect(rows.some((r) => r.payment_term !== null)).toBe(true);
  });
});
