/**
 * Issue 3 "done when": the client reads 10,000 orders with their lines through a sandbox that
 * fails 10% of requests, expires tokens every few seconds and bursts 429s, and gets every order
 * exactly once — also while some orders are modified during the read (none lost).
 * Waiting is shortened (sleep injection, Retry-After 0–1 s capped) so the test stays fast.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createOroClient } from '../../src/oro/client.js';
import { ORDER_INCLUDE } from '../../src/oro/resolve.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import { CLIENT } from './helpers.js';

const ORDERS = 10_000;

describe('reading 10,000 orders through a hostile sandbox', () => {
  // Generous timeout: about 10 s on an idle 2-core machine, several times that on a loaded one.
  it(
    'gets every order exactly once with its lines, and loses none modified during the read',
    { timeout: 300_000 },
    async () => {
      const sb = await startSandbox({
        clients: [CLIENT],
        recordRequests: true,
        seed: { orders: ORDERS, linesPerOrder: [1, 3], sameUpdatedAt: 40, seed: 11 },
        faults: {
          errorRate: { 500: 0.03, 502: 0.02, 503: 0.02, 429: 0.02 },
          resetRate: 0.01,
          retryAfterSeconds: 1,
          tokenLifetimeSeconds: 2,
        },
      });
      const config = configSchema.parse({
        oro: {
          url: sb.url,
          clientId: CLIENT.clientId,
          clientSecret: CLIENT.clientSecret,
          pageSize: 100,
          maxRetries: 10,
        },
      });
      const sleeps: number[] = [];
      const client = createOroClient(config, {
        sleep: (ms) => {
          sleeps.push(ms);
          return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 2)));
        },
      });
      const expectedLines = new Map(
        sb.all('orders').map((o) => [o.id, (o.relationships['lineItems'] as unknown[]).length]),
      );
      const seen = new Map<string, number>();
      const modified = new Set<string>();
      let pages = 0;
      try {
        for await (const page of client.readIncremental('orders', {
          since: null,
          overlapSeconds: 0,
          include: ORDER_INCLUDE,
        })) {
          for (const o of client.resolveOrders(page)) {
            seen.set(o.order.id, (seen.get(o.order.id) ?? 0) + 1);
            expect(o.lineItems).toHaveLength(expectedLines.get(o.order.id)!);
          }
          pages++;
          if (pages === 10)
            sb.setFaults({
              errorRate: { 500: 0.06, 503: 0.04 },
              tokenLifetimeSeconds: 2,
              burst429: { count: 4, retryAfterSeconds: 1 },
            });
          if (pages % 15 === 0) {
            // Modify one order already read and one not read yet; both get a newer updatedAt.
            for (const id of [page.data[0]!.id, String(ORDERS - pages)]) {
              sb.updateOrder(id, {
                attributes: { customerNotes: `changed at page ${pages}` },
                updatedAt: `2031-01-01T00:00:${String(pages % 60).padStart(2, '0')}Z`,
              });
              modified.add(id);
            }
            sb.revokeTokens(); // and a 401 now and then besides the short token lifetime
          }
        }
      } finally {
        await client.close();
        await sb.close();
      }
      expect(seen.size).toBe(ORDERS);
      for (const [id, count] of seen) {
        // Modified orders are read again at their new place: that is the point (none lost).
        if (!modified.has(id)) expect(count, `order ${id}`).toBe(1);
      }
      for (const id of modified) expect(seen.get(id)).toBeGreaterThanOrEqual(1);
      const statuses = sb.requests.map((q) => q.status);
      expect(statuses.filter((s) => s >= 500).length).toBeGreaterThan(5);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(3);
      expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
      expect(sb.requests.filter((q) => q.path === '/oauth2-token').length).toBeGreaterThan(1);
      expect(sleeps).toContain(1000); // Retry-After honoured
    },
  );
});
