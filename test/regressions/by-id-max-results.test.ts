/**
 * Reads by id (push-orders' full fetch after the sparse listing, `--id`, quarantine retries)
 * asked for as many records a page as ids they sent, whatever the resource's `max_results`
 * allowed. Oro answers a larger page[size] with 400 "The value should be less than or equals
 * to N." (oroinc/platform 6.1.0 src/Oro/Bundle/ApiBundle/Processor/Shared/ValidatePaging.php), so
 * `--id` and quarantine retries failed on it. The client now reads such ids N at a time and
 * remembers N for the resource (the sparse listing already stepped down, so its batches fit). Played against the sandbox with orders capped at 4 a page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxResource } from '../../tools/sandbox/types.js';
import { OPEN_WITH_PO, qualifies } from '../jobs/open-po-orders.js';
import { pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';

const backend = pushBackends('by-id-max-results.test.ts')[0]!;
let env: PushEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const byId = (q: { path: string; query: string }): boolean =>
  q.path.endsWith('/orders') && decodeURIComponent(q.query).includes('filter[id]=');

describe('reading orders by id under a max_results of 4', () => {
  it('--id with more ids than the cap stages them all', async () => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 30, customers: 3, linesPerOrder: [1, 2] }, maxResults: { orders: 4 } },
      config: { orders: { criteria: OPEN_WITH_PO } },
    });
    const e = env;
    const yes = e.sandbox
      .all('orders')
      .filter((o: SandboxResource) => qualifies(o))
      .slice(0, 7)
      .map((o) => o.id);
    expect(yes).toHaveLength(7);
    const r = await e.orders({}, { ids: [yes.join(',')] });
    expect(r.outcome, r.error?.message).toBe('ok');
    expect(r.counts.written).toBe(7);
    expect((await e.staged()).map((s) => String(s.oroOrderId)).sort()).toEqual([...yes].sort());
    // One refusal of page[size]=7, then the ids 4 at a time.
    const reads = e.sandbox.requests.filter(byId);
    expect(reads.map((q) => q.status)).toEqual([400, 200, 200]);
    const sizes = reads.map((q) => Number(/page\[size\]=(\d+)/.exec(decodeURIComponent(q.query))?.[1]));
    expect(sizes).toEqual([7, 4, 3]);
  });
});
