/**
 * What push-orders' sparse listing keeps while it works (src/jobs/kit/feeds.ts, issue 21): each
 * listed page is turned into its ids on arrival, so the page read ahead waits as a list of
 * numbers, not as parsed records (5,000 of them held about 1.1 MB of a 60,000-order catch-up's
 * live heap; docs/measurements.md). Against the project's Oro sandbox, with the real client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listedIds, sparseFeed, type FeedUnit } from '../../src/jobs/kit/feeds.js';
import type { OroClient, Page } from '../../src/oro/types.js';
import { rig, until, type Rig } from '../oro/helpers.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** The client, with every page its incremental reader hands out recorded in `pages`. */
function recording(client: OroClient, pages: Page[]): OroClient {
  return {
    ...client,
    readIncremental: async function* (resource, query) {
      for await (const page of client.readIncremental(resource, query)) {
        pages.push(page);
        yield page;
      }
    },
  };
}

describe('the sparse listing', () => {
  it('keeps listed pages as ids only, the one read ahead included', async () => {
    r = await rig({ sandbox: { seed: { orders: 300, customers: 20, seed: 4 } } });
    const pages: Page[] = [];
    const feed = sparseFeed({
      oro: recording(r.client, pages),
      resource: 'orders',
      stagedIds: async () => new Set(),
      since: null,
      overlapSeconds: 300,
      include: ['lineItems'],
      batchSize: 20,
      concurrency: 2,
      listSize: 50,
    });
    const it = feed[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    // The next listed page is read while the first one's orders are fetched: once it is here,
    // nothing of it but its ids is held (its records were let go on arrival).
    await until(() => pages.length >= 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pages.map((p) => p.data.length)).toEqual(pages.map(() => 0));

    const units: FeedUnit[] = [first.value as FeedUnit];
    for (let u = await it.next(); !u.done; u = await it.next()) units.push(u.value);
    expect(pages.length).toBeGreaterThanOrEqual(6);
    expect(pages.every((p) => p.data.length === 0)).toBe(true);
    const fetched = units.flatMap((u) => u.page.data.map((d) => d.id));
    expect(new Set(fetched).size).toBe(300);
    expect(units.filter((u) => u.watermark !== undefined).length).toBe(pages.length);
  });

  it('turns a page into numbers, with odd ids and bad dates set aside to report', async () => {
    const rec = (id: string) => ({ type: 'orders', id, attributes: {}, relationships: {} });
    const page: Page = {
      data: [rec('7'), rec('x1'), rec('12'), rec('99999999999')],
      included: new Map(),
      watermark: '2026-01-01T00:00:00Z',
      rejected: [{ id: '3', reason: 'its updatedAt "soon" is not a date' }],
    };
    const out = [];
    for await (const l of listedIds(
      (async function* () {
        yield page;
      })(),
    ))
      out.push(l);
    expect(out).toHaveLength(1);
    const listed = out[0]!;
    expect(listed.ids).toEqual([7, 12]);
    expect(listed.watermark).toBe('2026-01-01T00:00:00Z');
    expect(listed.notes.rejected?.map((x) => x.id)).toEqual(['3', 'x1', '99999999999']);
    expect(page.data).toHaveLength(0);
  });
});
