/**
 * What the bench's memory section and request counts stand on (tools/bench/memory-bench.ts): the
 * probe's live heap is what a process holds, not the garbage it makes; the sandbox process counts
 * the requests it served between two calls; BENCH_NODES names the Node it runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchNodes } from '../../tools/bench/nodes.js';
import { ProcessProbe } from '../../tools/bench/process-probe.js';
import { CLIENT, sandboxProcess } from '../../tools/bench/push-bench.js';

const dir = mkdtempSync(path.join(tmpdir(), 'memory-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// About 40 MB of strings, made over a second in 20 steps; `keep` says whether they stay reachable.
const script = (keep: boolean): string => `
const kept = [];
let i = 0;
const t = setInterval(() => {
  const batch = Array.from({ length: 20000 }, (_, k) => 'x'.repeat(90) + i + ':' + k);
  if (${keep}) kept.push(batch);
  if (++i === 20) clearInterval(t);
}, 50);`;

describe('the probe live heap', () => {
  const probe = new ProcessProbe(dir);

  it('counts what the process holds', async () => {
    const m = await probe.run(['-e', script(true)], { heapEveryMs: 100 });
    expect(m.code).toBe(0);
    expect(m.heapSamples).toBeGreaterThan(3);
    expect(m.liveHeapBytes).toBeGreaterThan(40 * 2 ** 20);
  });

  it('does not count the garbage', async () => {
    const m = await probe.run(['-e', script(false)], { heapEveryMs: 100 });
    expect(m.code).toBe(0);
    expect(m.liveHeapBytes).toBeLessThan(20 * 2 ** 20);
    // Without the probe's collections the same garbage shows in the RSS.
    expect(m.maxRssKb * 1024).toBeGreaterThan(m.liveHeapBytes ?? Infinity);
  });
});

describe('the sandbox process request count', () => {
  it('counts the requests served since the previous call', async () => {
    const sandbox = await sandboxProcess({ orders: 3, seed: 1 });
    try {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT.clientId });
      form.set('client_secret', CLIENT.clientSecret);
      const token = (await (
        await fetch(`${sandbox.url}/oauth2-token`, { method: 'POST', body: form })
      ).json()) as {
        access_token: string;
      };
      const headers = { Authorization: `Bearer ${token.access_token}` };
      await fetch(`${sandbox.url}/admin/api/orders`, { headers });
      await fetch(`${sandbox.url}/admin/api/orders?fields[orders]=updatedAt`, { headers });
      await fetch(`${sandbox.url}/admin/api/customers`, { headers });
      const first = await sandbox.requests();
      expect(first.token).toBe(1);
      expect(first.total).toBe(3);
      expect(Object.fromEntries(first.byPath)).toEqual({
        'GET /admin/api/orders': 1,
        'GET /admin/api/orders (sparse fieldset)': 1,
        'GET /admin/api/customers': 1,
      });
      expect((await sandbox.requests()).total).toBe(0);
    } finally {
      await sandbox.close();
    }
  });
});

describe('BENCH_NODES', () => {
  it('names the Node running the bench as "this"', () => {
    expect(benchNodes('this')).toEqual([{ label: `Node ${process.version}` }]);
    expect(benchNodes(process.execPath)).toEqual([{ label: `Node ${process.version}` }]);
  });
});
