// @module-tag hostile
/**
 * The bad answers of chaos's hostile-Oro phase (tools/chaos/hostile-phase.ts), each checked on
 * the wire through the hostile proxy in front of a small sandbox: what the CLI is fed in that
 * phase is what these tests see.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHostileOro, type HostileOro } from '../../tools/chaos/hostile-oro.js';
import {
  BAD_TIMES,
  ODD_IDS,
  endlessLinks,
  garbageIds,
  garbageTimestamps,
  nonJson,
  slowBytes,
  wrongExit,
} from '../../tools/chaos/hostile-phase.js';
import { createRng } from '../../tools/sandbox/random.js';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { api, CLIENT, JSON_API, token, type Answer } from '../sandbox/helpers.js';

let sb: Sandbox;
let proxy: HostileOro;
let bearer: string;
beforeAll(async () => {
  sb = await startSandbox({ clients: [CLIENT], seed: { orders: 12, customers: 3, seed: 5 } });
  proxy = await startHostileOro(sb.url);
  bearer = await token(sb);
});
afterAll(async () => {
  await proxy.close();
  await sb.close();
});
beforeEach(() => {
  proxy.setRules([]);
  proxy.served.clear();
});

/** A GET through the proxy. */
const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
  api({ url: proxy.url } as Sandbox, bearer, path, { headers });
const KEYSET = 'orders?sort=updatedAt,id&page[size]=5';
type Rec = { id: string; attributes: Record<string, unknown> };

describe('the hostile-Oro phase of npm run chaos', () => {
  it('garbage timestamps: two records a page, each once, only on incremental reads', async () => {
    proxy.setRules([garbageTimestamps(createRng(1))]);
    const plain = (await get('orders?page[size]=5')).json.data as Rec[];
    expect(plain.every((r) => typeof r.attributes['updatedAt'] === 'string')).toBe(true);
    const bad = async (): Promise<string[]> =>
      ((await get(KEYSET)).json.data as Rec[])
        .filter((r) => BAD_TIMES.includes(r.attributes['updatedAt']))
        .map((r) => r.id);
    const first = await bad();
    expect(first).toHaveLength(2);
    const second = await bad();
    expect(second).toHaveLength(2);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect(proxy.served.get('garbage timestamps')).toBe(2);
  });

  it('garbage ids: two made-up odd ids in front, the last record twice', async () => {
    const real = (await get(KEYSET)).json.data as Rec[];
    proxy.setRules([garbageIds(createRng(2))]);
    const data = (await get(KEYSET)).json.data as Rec[];
    expect(data).toHaveLength(real.length + 3);
    expect(ODD_IDS).toContain(data[0]?.id);
    expect(ODD_IDS).toContain(data[1]?.id);
    expect(data.slice(2).map((r) => r.id)).toEqual([...real.map((r) => r.id), real.at(-1)?.id]);
    // An empty page is left alone, and not counted.
    await get('orders?sort=updatedAt,id&filter[updatedAt][gt]=2999-01-01T00:00:00Z');
    expect(proxy.served.get('garbage ids')).toBe(1);
  });

  it('slow bytes: the headers at once, the body one byte at a time', async () => {
    proxy.setRules([slowBytes(50)]);
    const res = await fetch(`${proxy.url}/admin/api/orders/${sb.all('orders')[0]?.id}`, {
      headers: { Authorization: `Bearer ${bearer}`, Accept: JSON_API },
      signal: AbortSignal.timeout(500),
    });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(100);
    await expect(res.text()).rejects.toThrow();
    expect(proxy.served.get('slow bytes')).toBe(1);
  });

  it('endless links.next: the page itself, then the next page number, not on incremental reads', async () => {
    proxy.setRules([endlessLinks()]);
    const self = await get('orders?page[size]=5');
    expect(new URL(self.json.links.next as string, 'http://x').search).toBe('?page[size]=5');
    const next = await get('orders?page[size]=5&page[number]=2');
    const q = new URL(next.json.links.next as string, 'http://x').searchParams;
    expect(q.get('page[number]')).toBe('3');
    const keyset = await get(KEYSET, { 'X-Include': 'noHateoas' });
    expect(keyset.json.links?.next).toBeUndefined();
    expect(proxy.served.get('endless links.next')).toBe(2);
  });

  it('non-JSON 200s: login page, maintenance page, empty, cut-off, data null, data an object', async () => {
    const raw = async (): Promise<{ status: number; type: string; text: string }> => {
      const res = await fetch(`${proxy.url}/admin/api/orders?page[size]=5`, {
        headers: { Authorization: `Bearer ${bearer}`, Accept: JSON_API },
      });
      return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
    };
    const real = (await raw()).text;
    proxy.setRules([nonJson()]);
    const six = [];
    for (let i = 0; i < 6; i++) six.push(await raw());
    expect(six.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(six[0]?.text).toContain('<title>Login</title>');
    expect(six[0]?.type).toContain('text/html');
    expect(six[1]?.text).toContain('Down for maintenance');
    expect(six[2]?.text).toBe('');
    expect(six[3]?.text).toBe(real.slice(0, Math.floor(real.length / 2)));
    expect(JSON.parse(six[4]?.text ?? '')).toEqual({ data: null });
    expect(Array.isArray((JSON.parse(six[5]?.text ?? '') as { data: unknown }).data)).toBe(false);
    expect(proxy.served.get('non-JSON 200')).toBe(6);
  });

  it('a run is wrong when it hangs, ends 70, or ends other than 69 after a bad answer', () => {
    const r = { code: 0, signal: null, stdout: '', stderr: 'internal error: x\n', ms: 1 };
    expect(wrongExit({ ...r, code: null, signal: 'SIGKILL' }, 'records', false)).toMatch(/did not end/);
    expect(wrongExit({ ...r, code: 70 }, 'records', true)).toBe('exit 70: internal error: x');
    expect(wrongExit({ ...r, code: 0 }, 'unavailable', true)).toMatch(/not 69/);
    expect(wrongExit({ ...r, code: 0 }, 'unavailable', false)).toBeNull();
    expect(wrongExit({ ...r, code: 69 }, 'unavailable', true)).toBeNull();
    expect(wrongExit({ ...r, code: 1 }, 'records', true)).toBeNull();
  });
});
