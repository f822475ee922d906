/**
 * Review finding 4: push-orders plans up to two pages ahead of its staging transactions
 * (kit/push-loop.ts). When the time budget or a signal stopped the run inside a page, the pages
 * planned behind it were never applied, yet their failed records had been reported at planning:
 * the report (and the exit code, 1) named failures that were neither quarantined nor passed by
 * the cursor, and the next run met the same records again. A page's failures are now reported
 * when the page is applied, with its quarantine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OroClient } from '../../src/oro/types.js';
import type { StagingStore } from '../../src/staging/store.js';
import { pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';
import { until } from '../oro/helpers.js';

const backend = pushBackends('plan-ahead-stop.test.ts')[0]!;
let env: PushEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('pages planned ahead and not applied', () => {
  it('a stop inside page 1 reports no failure of page 2, quarantines nothing, moves no cursor', async () => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 15, customers: 3, linesPerOrder: [1, 2] } },
      // Pages of 5 orders, staged 2 at a time: page 1 has three batches.
      config: { oro: { pageSize: 5 } as never, orders: { batchSize: 2 } },
    });
    const e = env;
    // The 7th order in reading order (updatedAt, id) is on page 2: its customer id cannot be
    // staged, so planning page 2 fails it.
    const byKey = e.sandbox
      .all('orders')
      .sort(
        (a, b) =>
          String(a.attributes.updatedAt).localeCompare(String(b.attributes.updatedAt)) ||
          Number(a.id) - Number(b.id),
      );
    const bad = byKey[6]!.id;
    e.sandbox.relate('orders', bad, 'customer', { type: 'customers', id: '99999999999' });

    // Page k's planning begins with resolveOrders: its third call means page 2 is fully planned.
    let resolved = 0;
    const oro: OroClient = {
      ...e.oro,
      resolveOrders: (page) => {
        resolved++;
        return e.oro.resolveOrders(page);
      },
    };
    // Page 1's first batch waits until page 2 is planned; then the signal comes, so page 1
    // stops before its second batch and pages 2 and 3 are never applied.
    const stop = new AbortController();
    let stages = 0;
    const store: StagingStore = Object.create(e.store) as StagingStore;
    store.stage = async (batch) => {
      if (++stages === 1) {
        await until(() => resolved >= 3);
        stop.abort('SIGTERM');
      }
      return e.store.stage(batch);
    };

    const report = await e.orders({ store, oro: async () => oro, stop: stop.signal });
    expect(stages).toBe(1);
    expect(report.message).toContain('received SIGTERM');
    expect(report.failures).toEqual([]);
    expect(report.counts.failed).toBe(0);
    expect(report.outcome).toBe('ok');
    expect(await e.quarantine()).toEqual([]);
    expect(await e.store.getCursor('push-orders')).toBeNull();
    expect((await e.staged()).length).toBe(2);

    // The next run applies page 2 and reports (and quarantines) the order then, once.
    const next = await e.orders();
    expect(next.failures.map((f) => f.id)).toEqual([bad]);
    expect((await e.quarantine()).map((q) => q['entity_id'])).toEqual([bad]);
    expect((await e.staged()).length).toBe(14);
  });
});
