/**
 * The remembered overlap window (src/oro/seen-window.ts) on pages built here: the window's records
 * are left out only when they are exactly those processed before; anything else (a late commit, a
 * record changed again or gone, another cursor, too many to hold) processes them all.
 */
import { describe, expect, it } from 'vitest';
import {
  formatSeenWindow,
  parseSeenWindow,
  WindowTracker,
  withoutSeenWindow,
  type SeenWindow,
} from '../../src/oro/seen-window.js';
import type { Page } from '../../src/oro/types.js';

const rec = (id: number, t: string) => ({
  type: 'customers',
  id: String(id),
  attributes: { updatedAt: `2026-03-01T10:${t}Z` },
  relationships: {},
});
const page = (recs: ReturnType<typeof rec>[]): Page => ({
  data: recs,
  included: new Map(),
  watermark: recs.length ? recs[recs.length - 1]!.attributes.updatedAt : undefined,
});
async function* pagesOf(pages: Page[]): AsyncGenerator<Page> {
  for (const p of pages) yield { ...p, data: [...p.data] };
}
async function ids(pages: AsyncIterable<Page>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of pages) out.push(...p.data.map((r) => r.id));
  return out;
}

/** What a run that read `pages` from `since` remembers for the cursor it ended at. */
function remember(pages: Page[], overlapSeconds = 300): SeenWindow {
  const tracker = new WindowTracker(overlapSeconds);
  for (const p of pages) tracker.add(p);
  // Read an hour after the last change: every record is old enough to be remembered.
  const last = pages[pages.length - 1]!.watermark!;
  return tracker.windowAt(last, new Date(Date.parse(last) + 3_600_000));
}

describe('the remembered overlap window', () => {
  const window = [page([rec(1, '00:00'), rec(2, '01:00')]), page([rec(3, '02:00')])];
  const cursor = '2026-03-01T10:02:00Z';

  it('round-trips as a short state value', () => {
    const w = remember(window);
    expect(w).toMatchObject({ cursor, count: 3 });
    expect(formatSeenWindow(w).length).toBeLessThan(160);
    expect(parseSeenWindow(formatSeenWindow(w))).toEqual(w);
    expect(parseSeenWindow('2026-03-01T10:02:00Z')).toBeNull();
  });

  it('the same window again: left out; newer records still come', async () => {
    let skipped = 0;
    const next = [...window, page([rec(9, '03:00')])];
    const out = withoutSeenWindow(pagesOf(next), remember(window), cursor, {
      onSkipped: (n) => (skipped = n),
    });
    expect(await ids(out)).toEqual(['9']);
    expect(skipped).toBe(3);
  });

  it('a late commit inside the window: every record of it is processed', async () => {
    const late = [page([rec(1, '00:00'), rec(7, '00:30'), rec(2, '01:00')]), page([rec(3, '02:00')])];
    expect(await ids(withoutSeenWindow(pagesOf(late), remember(window), cursor))).toEqual([
      '1',
      '7',
      '2',
      '3',
    ]);
  });

  it('a record changed again or gone, another cursor, or too many held: nothing left out', async () => {
    const seen = remember(window);
    const changed = [page([rec(1, '00:00'), rec(3, '02:00')])];
    expect(await ids(withoutSeenWindow(pagesOf(changed), seen, cursor))).toEqual(['1', '3']);
    expect(await ids(withoutSeenWindow(pagesOf(window), seen, '2026-03-01T09:00:00Z'))).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(await ids(withoutSeenWindow(pagesOf(window), seen, cursor, { holdLimit: 1 }))).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('records changed shortly before the read are not remembered: always processed again', async () => {
    // updatedAt has whole seconds: one changed again within its second would look unchanged.
    const tracker = new WindowTracker(300);
    for (const p of window) tracker.add(p);
    const soon = tracker.windowAt(cursor, new Date(Date.parse(cursor) + 2_000));
    expect(soon.count).toBe(0);
    expect(await ids(withoutSeenWindow(pagesOf(window), soon, cursor))).toEqual(['1', '2', '3']);
    // Read at 10:06:30: 10:00 and 10:01 are more than 5 minutes older, 10:02 is not.
    const part = tracker.windowAt(cursor, new Date('2026-03-01T10:06:30Z'));
    expect(part.count).toBe(2);
    expect(await ids(withoutSeenWindow(pagesOf(window), part, cursor))).toEqual(['3']);
  });

  it('forgets what falls out of the overlap behind the newest watermark', () => {
    const w = remember([...window, page([rec(4, '09:00')])], 300);
    // The next run reads from 10:04:00 (10:09 minus 5 minutes): records 1 to 3 are out of it.
    expect(w).toMatchObject({ cursor: '2026-03-01T10:09:00Z', count: 1 });
  });
});
