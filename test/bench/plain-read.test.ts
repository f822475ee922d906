/**
 * The push-orders bench reads every order page once before the job (so that the job reads from a
 * warm sandbox, as the floor does) and again as the floor's fetch (tools/bench/push-bench.ts). Both
 * must be the job's own read: every order, with the job's `include`, without HATEOAS links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainRead } from '../../tools/bench/push-bench.js';
import { ORDER_INCLUDE } from '../../src/jobs/push-orders.js';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';

const CLIENT = { clientId: 'bench', clientSecret: 'bench-secret' };
// Parsed for the Oro client's settings only: plainRead never opens a staging store.
const staging = { dialect: 'embedded', path: '/nonexistent/never-opened' };

describe('the bench plain read', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      clients: [CLIENT],
      seed: { orders: 250, customers: 20, linesPerOrder: [2, 3], seed: 5 },
    });
  });
  afterAll(async () => sandbox.close());

  it('reads every order over several pages, the way push-orders reads them', async () => {
    const { read, ms } = await plainRead(sandbox.url, staging);

    expect(read).toBe(250);
    expect(ms).toBeGreaterThan(0);
    const reads = sandbox.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/api/orders'));
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const r of reads) {
      expect(new URLSearchParams(r.query).get('include')?.split(',')).toEqual(ORDER_INCLUDE);
      expect(r.headers['x-include']).toBe('noHateoas');
    }
  });
});
