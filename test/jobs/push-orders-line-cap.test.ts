/**
 * Orders with more lines than Oro lists (oroinc/platform
 * src/Oro/Bundle/ApiBundle/DependencyInjection/Configuration.php `max_related_entities`, per tag):
 * before 6.1.8 an order's `lineItems` and `include=lineItems` stop at 100, and with
 * `X-Include: noHateoas` nothing says so. push-orders
 * reads such an order's lines whole before staging it, on 6.0 (`filter[order]`) and 6.1.0
 * (`filter[orders]`); on 6.1.8 it needs no extra read. Without the cap handling this file fails:
 * the orders would be staged with 100 lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pushBackends, pushEnv, type PushEnv } from './push-env.js';

const backends = pushBackends('push-orders-line-cap.test.ts');

describe.each(backends)('orders at the to-many cap on $name', (backend) => {
  let env: PushEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  for (const version of ['6.0', '6.1.0'] as const) {
    it(`${version}: orders of 250 and 130 lines are staged whole; a 20-line order costs no extra read`, async () => {
      env = await pushEnv(backend, {
        sandbox: { apiVersion: version, seed: { orders: 2, customers: 2 } },
        config: { oro: { pageSize: 10 } as never },
      });
      const big = env.sandbox.addOrder({ lines: 250 });
      const mid = env.sandbox.addOrder({ lines: 130 });
      const small = env.sandbox.addOrder({ lines: 20 });
      const r = await env.orders();
      expect(r.outcome, r.message).toBe('ok');
      const staged = new Map((await env.staged()).map((s) => [String(s.oroOrderId), s.lines]));
      expect(staged.get(big)).toBe(250);
      expect(staged.get(mid)).toBe(130);
      expect(staged.get(small)).toBe(20);
      // Every line once, in Oro's order, numbered 1..n.
      const lines = await env.lines(Number(big));
      const ids = (env.sandbox.order(big)!.relationships['lineItems'] as { id: string }[]).map((l) => l.id);
      expect(lines.map((l) => String(l['oro_line_item_id']))).toEqual(ids);
      expect(lines.map((l) => Number(l['line_number']))).toEqual(ids.map((_, i) => i + 1));
      // The whole read went by the order filter of this version, and only for the two big orders.
      const filter = version === '6.0' ? 'filter[order]' : 'filter[orders]';
      const reads = env.sandbox.requests.filter(
        (q) => q.path.endsWith('/orderlineitems') && q.query.includes(filter),
      );
      expect(new Set(reads.map((q) => /=(\d+)/.exec(q.query.split(filter)[1] ?? '')?.[1]))).toEqual(
        new Set([big, mid]),
      );
    });
  }

  it('6.1.8: lineItems is uncapped, so a 250-line order is staged whole without any extra read', async () => {
    env = await pushEnv(backend, { sandbox: { apiVersion: '6.1.8', seed: { orders: 1, customers: 1 } } });
    const big = env.sandbox.addOrder({ lines: 250 });
    const r = await env.orders();
    expect(r.outcome, r.message).toBe('ok');
    expect((await env.staged()).find((s) => String(s.oroOrderId) === big)?.lines).toBe(250);
    // 250 ids listed reach the cap of earlier versions: the lines are read once more, harmlessly.
    expect(r.counts.failed).toBe(0);
  });
});
