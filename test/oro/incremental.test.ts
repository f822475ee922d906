/** readIncremental: equal timestamps across page boundaries, changes during the read, late commits. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from '../../src/oro/types.js';
import { apiRequests, rig, type Rig } from './helpers.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

async function collect(
  rg: Rig,
  since: string | null,
  overlapSeconds = 0,
  onPage?: (p: Page, n: number) => void,
) {
  const seen: { id: string; updatedAt: string }[] = [];
  const watermarks: string[] = [];
  let n = 0;
  for await (const page of rg.client.readIncremental('orders', { since, overlapSeconds, pageSize: 10 })) {
    for (const d of page.data) seen.push({ id: d.id, updatedAt: String(d.attributes['updatedAt']) });
    watermarks.push(page.watermark!);
    onPage?.(page, ++n);
  }
  return { seen, watermarks };
}

describe('readIncremental', () => {
  it('reads on when the caller empties each page it is handed (pages are the caller’s)', async () => {
    r = await rig({ sandbox: { seed: { orders: 95, sameUpdatedAt: 25, seed: 4 } } });
    const { seen } = await collect(r, null, 0, (p) => {
      p.data.length = 0;
      p.included.clear();
    });
    expect(new Set(seen.map((s) => s.id)).size).toBe(95);
  });

  it('reads every order exactly once when many share one updatedAt across page boundaries', async () => {
    r = await rig({ sandbox: { seed: { orders: 95, sameUpdatedAt: 25, seed: 4 } } });
    const { seen, watermarks } = await collect(r, null);
    expect(seen.map((s) => s.id).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 95 }, (_, i) => String(i + 1)),
    );
    expect([...watermarks].sort()).toEqual(watermarks); // never moves back
    // Every record below a page's watermark had been yielded by the end of that page.
    const queries = apiRequests(r.sb).map((q) => decodeURIComponent(q.query));
    expect(queries.some((q) => q.includes('filter[id][gt]='))).toBe(true);
    expect(queries.every((q) => !q.includes('page[number]'))).toBe(true);
    expect(apiRequests(r.sb).every((q) => q.headers['x-include'] === 'noHateoas')).toBe(true);
  });

  it('loses nothing modified during the read', async () => {
    r = await rig({ sandbox: { seed: { orders: 60, sameUpdatedAt: 7, seed: 8 } } });
    const rg = r;
    const { seen } = await collect(rg, null, 0, (page, n) => {
      if (n === 2) {
        // One already read, one not yet read: both move to a newer updatedAt mid-read.
        rg.sb.updateOrder(page.data[0]!.id, {
          attributes: { poNumber: 'changed-1' },
          updatedAt: '2030-01-01T00:00:00Z',
        });
        rg.sb.updateOrder('60', { attributes: { poNumber: 'changed-2' }, updatedAt: '2030-01-01T00:00:00Z' });
        rg.sb.addOrder({ updatedAt: '2030-01-01T00:00:01Z' });
      }
    });
    const ids = new Set(seen.map((s) => s.id));
    expect(ids.size).toBe(61);
    expect(seen.filter((s) => s.updatedAt === '2030-01-01T00:00:00Z').length).toBe(2);
  });

  it('starts from since minus the overlap, so a late commit is still read on the next run', async () => {
    r = await rig({ sandbox: { seed: { orders: 20, seed: 2 } } });
    const first = await collect(r, null);
    const cursor = first.watermarks.at(-1)!;
    // Committed after the first run, stamped 2 minutes before its cursor.
    const late = r.sb.addOrder({ updatedAt: new Date(Date.parse(cursor) - 120_000).toISOString() });
    const before = apiRequests(r.sb).length;
    const second = await collect(r, cursor, 300);
    const q = decodeURIComponent(apiRequests(r.sb)[before]!.query);
    expect(q).toContain(
      `filter[updatedAt][gte]=${new Date(Date.parse(cursor) - 300_000).toISOString().replace('.000Z', 'Z')}`,
    );
    expect(q).toContain('sort=updatedAt,id');
    expect(second.seen.map((s) => s.id)).toContain(late);
    const withoutOverlap = await collect(r, cursor, 0);
    expect(withoutOverlap.seen.map((s) => s.id)).not.toContain(late);
  });
});
