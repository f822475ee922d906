/**
 * An incremental read re-reads `oro.overlapSeconds` behind its cursor, so that a record whose
 * transaction committed late, with an `updatedAt` older than records already read, is not lost
 * (docs/oro.md). An idle run therefore reads the records of that window again, and for
 * push-customers each one used to cost the reads of its addresses, users, group and payment term
 * before its hash could say "unchanged" (issue 21: 6 GETs for an idle run-all).
 *
 * What a run read in the window is remembered as a digest of its (id, updatedAt) pairs, stored
 * with the cursor it belongs to (`sagesync_state`, row `<job>:window`). The next run, reading
 * from that cursor, holds back the window's records (those not newer than the cursor) until it
 * has them all: when their digest is the stored one, none of them changed or appeared since, and
 * they are left out; when it differs (a late commit, a record changed again) every one of them is
 * processed, as before. A change is never skipped: only the exact set already processed is.
 *
 * `updatedAt` has whole seconds, so a record changed twice within one second, read between the
 * two changes, looks unchanged by its pair. Only records whose `updatedAt` is older than the read
 * by more than RECENT_MS (room for a clock difference between Oro and this machine, as
 * reading.ts's FUTURE_TOLERANCE_MS) are remembered; newer ones are always processed again.
 */
import { createHash } from 'node:crypto';
import type { JsonApiResource, Page } from './types.js';

export interface SeenWindow {
  /** The cursor the window was read up to (an `updatedAt`). */
  cursor: string;
  /** Only records with an `updatedAt` before this (ISO 8601) are remembered. */
  before: string;
  /** SHA-256 (first 128 bits) of the sorted `id@updatedAt` pairs of the records read with updatedAt <= cursor. */
  digest: string;
  count: number;
}

/** Records held back at most while waiting for the window's end; past it, all are processed. */
const HOLD_LIMIT = 20_000;
/** How recent (before the read) an `updatedAt` may be and still be remembered. */
const RECENT_MS = 5 * 60_000;

export function parseSeenWindow(raw: string | null): SeenWindow | null {
  if (raw === null || !raw.startsWith('{')) return null;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const { cursor, before, digest, count } = v;
    if (typeof cursor !== 'string' || typeof before !== 'string' || Number.isNaN(Date.parse(before)))
      return null;
    if (typeof digest !== 'string' || typeof count !== 'number') return null;
    return { cursor, before, digest, count };
  } catch {
    return null;
  }
}

export const formatSeenWindow = (w: SeenWindow): string => JSON.stringify(w);

const pairOf = (r: JsonApiResource): string => `${r.id}@${String(r.attributes['updatedAt'])}`;
const timeOf = (r: JsonApiResource): number => Date.parse(String(r.attributes['updatedAt']));

function digestOf(pairs: Iterable<string>): { digest: string; count: number } {
  const sorted = [...pairs].sort();
  // 128 bits of SHA-256: a state row short enough to read in `sagesync status`.
  const digest = createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 32);
  return { digest, count: sorted.length };
}

/**
 * The pages of an incremental read with the records of `seen`'s window left out when they are
 * exactly the ones processed before. `since` is the cursor the read started from: a stored
 * window of another cursor says nothing and is ignored. Pages keep their watermarks (an emptied
 * page still moves the cursor).
 */
export async function* withoutSeenWindow(
  pages: AsyncIterable<Page>,
  seen: SeenWindow | null,
  since: string | null,
  o: { onSkipped?: (count: number) => void; holdLimit?: number } = {},
): AsyncGenerator<Page> {
  if (seen === null || since === null || seen.cursor !== since) {
    yield* pages;
    return;
  }
  // The remembered part of the window: not newer than the cursor, older than `before`.
  const end = Math.min(Date.parse(seen.cursor), Date.parse(seen.before) - 1);
  const limit = o.holdLimit ?? HOLD_LIMIT;
  const held: Page[] = [];
  const inWindow = new Set<string>();
  let decided = false;
  const release = function* (): Generator<Page> {
    decided = true;
    const same = digestOf(inWindow);
    if (same.digest === seen.digest && same.count === seen.count) {
      for (const p of held) {
        const kept = p.data.filter((r) => !(timeOf(r) <= end && inWindow.has(pairOf(r))));
        p.data.length = 0;
        p.data.push(...kept);
      }
      o.onSkipped?.(same.count);
    }
    yield* held;
    held.length = 0;
  };
  for await (const page of pages) {
    if (decided) {
      yield page;
      continue;
    }
    held.push(page);
    let past = false;
    for (const r of page.data) {
      if (timeOf(r) <= end) inWindow.add(pairOf(r));
      else past = true;
    }
    if (past || inWindow.size > limit) yield* release();
  }
  if (!decided) yield* release();
}

/**
 * Collects the (id, updatedAt) pairs of the records a run processed, so that the window of the
 * cursor it stored can be remembered (`windowAt`). Only pairs no older than the overlap behind
 * the newest watermark are kept.
 */
export class WindowTracker {
  private readonly pairs = new Map<string, number>();
  private newest = -Infinity;

  constructor(private readonly overlapSeconds: number) {}

  /** A page whose records were processed (before any were left out as seen). */
  add(page: Page): void {
    for (const r of page.data) {
      const t = timeOf(r);
      if (!Number.isNaN(t)) this.pairs.set(pairOf(r), t);
    }
    const w = page.watermark === undefined ? NaN : Date.parse(page.watermark);
    if (!Number.isNaN(w) && w > this.newest) {
      this.newest = w;
      const floor = w - this.overlapSeconds * 1000;
      for (const [p, t] of this.pairs) if (t < floor) this.pairs.delete(p);
    }
  }

  /**
   * The window the next run, reading from `cursor`, will read again and may leave out: its
   * records older than `readAt` (when this run's read started) by more than RECENT_MS.
   */
  windowAt(cursor: string, readAt: Date): SeenWindow {
    const before = readAt.getTime() - RECENT_MS;
    const end = Math.min(Date.parse(cursor), before - 1);
    const floor = Date.parse(cursor) - this.overlapSeconds * 1000;
    const pairs = [...this.pairs].filter(([, t]) => t >= floor && t <= end).map(([p]) => p);
    return { cursor, before: new Date(before).toISOString(), ...digestOf(pairs) };
  }
}
