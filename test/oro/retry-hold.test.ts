/**
 * Under concurrency, a 429/503 with Retry-After holds every request of the client, not only the
 * one that got it; the sparse incremental read falls back to a resource's max_results.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createOroClient } from '../../src/oro/client.js';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { apiRequests, rig, type Rig } from './helpers.js';

let r: Rig | undefined;
let sb: Sandbox | undefined;
afterEach(async () => {
  await r?.close();
  await sb?.close();
  r = sb = undefined;
});

describe('Retry-After under concurrency', () => {
  it('a 429 makes the calls that start while it is being waited out wait too', async () => {
    sb = await startSandbox({
      clients: [{ clientId: 'c', clientSecret: 's' }],
      seed: { orders: 10 },
      faults: { burst429: { count: 1, retryAfterSeconds: 30 } },
    });
    const config = configSchema.parse({
      oro: { url: sb.url, clientId: 'c', clientSecret: 's', maxRetries: 2 },
      staging: { dialect: 'embedded', path: '/tmp/unused' },
    });
    const sleeps: { ms: number; requestsBefore: number }[] = [];
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const client = createOroClient(config, {
      // The 429'd call is kept waiting (as a real 30 s sleep would) until the others have started.
      sleep: (ms) => {
        sleeps.push({ ms, requestsBefore: apiRequests(sb!).length });
        return ms === 30_000 ? gate : Promise.resolve();
      },
    });
    try {
      const first = client.readByIds('orders', ['1']);
      while (sleeps.length === 0) await new Promise((res) => setTimeout(res, 5));
      const others = ['2', '3', '4'].map((id) => client.readByIds('orders', [id]));
      while (sleeps.length < 4) await new Promise((res) => setTimeout(res, 5));
      // Each of the three waited out the rest of the 30 s before sending anything.
      const held = sleeps.slice(1);
      expect(held.every((s) => s.ms > 25_000 && s.ms <= 30_000)).toBe(true);
      expect(held.every((s) => s.requestsBefore === 1)).toBe(true);
      release();
      const pages = await Promise.all([first, ...others]);
      expect(pages.map((p) => p.data.map((d) => d.id))).toEqual([['1'], ['2'], ['3'], ['4']]);
      // Once the wait is over nobody is held: a later call sleeps no more.
      await client.readByIds('orders', ['5']);
      expect(sleeps).toHaveLength(4);
    } finally {
      release();
      await client.close();
    }
  });
});

describe('sparse incremental read', () => {
  it('asks for ids and updatedAt only, and reads max_results at a time when a large page is refused', async () => {
    r = await rig({ sandbox: { seed: { orders: 130, sameUpdatedAt: 4 }, maxResults: { orders: 50 } } });
    const seen: string[] = [];
    for await (const page of r.client.readIncremental('orders', {
      since: null,
      overlapSeconds: 0,
      fields: { orders: ['updatedAt'] },
      pageSize: 5000,
    })) {
      for (const o of page.data) {
        expect(Object.keys(o.attributes)).toEqual(['updatedAt']);
        seen.push(o.id);
      }
    }
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual(r.sb.all('orders').map((o) => Number(o.id)));
    const reads = apiRequests(r.sb).filter((q) => q.path.endsWith('/orders'));
    const sizes = reads.map((q) => /page\[size\]=(\d+)/.exec(decodeURIComponent(q.query))?.[1]);
    expect(sizes[0]).toBe('5000');
    expect(reads[0]?.status).toBe(400);
    expect(sizes.slice(1).every((s) => s === '50')).toBe(true);
    expect(reads.every((q) => decodeURIComponent(q.query).includes('fields[orders]=updatedAt'))).toBe(true);
  });
});
