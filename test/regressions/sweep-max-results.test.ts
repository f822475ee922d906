/**
 * Review finding 3: the full-read pass (src/oro/id-sweep.ts: push-customers' re-snapshot sweep,
 * a push stream's `mode: full`) asked for `oro.pageSize` records a page whatever the resource's
 * `max_results` allowed. Oro answers a larger page[size] with 400 "The value should be less than
 * or equals to N." (oroinc/platform 6.1.0 src/Oro/Bundle/ApiBundle/Processor/Shared/ValidatePaging.php),
 * so the pass failed on every run and never compared a customer. The incremental read already
 * stepped down to N; the pass now does too, and ends on a page shorter than N. Played against
 * the sandbox configured with a cap of 4 customers a page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { billingAddressOf, pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';

const backend = pushBackends('sweep-max-results.test.ts')[0]!;
const HOUR = 3_600_000;
let env: PushEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('the customer sweep under a max_results below oro.pageSize', () => {
  it('steps down to the cap, reads every customer and finishes the pass', async () => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 0, customers: 0 }, maxResults: { customers: 4 } },
      config: { customers: { sweepHours: 1 }, oro: { pageSize: 10 } } as never,
    });
    const e = env;
    const ids: string[] = [];
    for (let i = 0; i < 11; i++)
      ids.push(e.sandbox.addCustomer({ name: `Capped ${i}`, updatedAt: '2026-01-05T10:00:00Z' }));
    const t0 = Date.now();
    const first = await e.customers({ clock: () => new Date(t0) });
    expect(first.outcome, first.error?.message).toBe('ok');
    expect(await e.customerRows()).toHaveLength(11);

    // A change only the sweep can see (the customer's updatedAt does not move).
    const target = ids[9]!;
    e.sandbox.updateResource('customeraddresses', billingAddressOf(e, target), {
      attributes: { street: 'Kappenweg 4' },
    });
    const from = e.sandbox.requests.length;
    const due = await e.customers({ clock: () => new Date(t0 + 1.1 * HOUR) });
    expect(due.outcome, due.error?.message).toBe('ok');

    const pass = e.sandbox.requests
      .slice(from)
      .filter(
        (q) => q.path.endsWith('/customers') && q.query.includes('sort=id') && !q.query.includes('updatedAt'),
      );
    // One refusal of page[size]=10, then pages of 4, 4 and 3: the short one ends the pass.
    expect(pass.map((q) => q.status)).toEqual([400, 200, 200, 200]);
    expect(pass.slice(1).every((q) => decodeURIComponent(q.query).includes('page[size]=4'))).toBe(true);
    const position = JSON.parse(
      (await e.store.cursors()).find((c) => c.job === 'push-customers:sweep')!.cursor!,
    ) as { done?: boolean };
    expect(position.done).toBe(true);
    const rows = await e.customerRows();
    expect(rows).toHaveLength(12);
    const last = rows[rows.length - 1]!;
    expect(String(last['oro_customer_id'])).toBe(target);
    expect(last['bill_street']).toBe('Kappenweg 4');
  });
});
