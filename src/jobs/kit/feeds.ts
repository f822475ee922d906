/**
 * The incremental reads a push job's pages come from (kit/push-loop.ts PushPages.feed).
 *
 * pagesFeed: full pages as Oro's keyset read returns them, each with its watermark.
 *
 * sparseFeed, cheap where it can be (issue 21; push-orders): the keyset read lists ids and
 * `updatedAt` only (a sparse fieldset, LIST_SIZE at a time, a quarter of a full read's cost per
 * record), and only the orders not staged yet are fetched in full, with their includes, by id,
 * `oro.pageSize` at a time and `oro.concurrency` requests in flight. An overlap re-read of
 * orders already staged is then one small request instead of full pages.
 *
 * Units come out in listing order, so the caller commits them one at a time and in order; the
 * last unit of a listed page carries its watermark, the cursor that may be stored with that
 * unit's rows (the listing has yielded every order with an older `updatedAt`, and every one of
 * them not staged is in this or an earlier unit). An order fetched in full may have changed since
 * it was listed: it is staged as fetched (the newer copy), and its new `updatedAt` lists it again
 * further on, staged by then. One listed but not returned by id was deleted (or hidden) meanwhile
 * and is left out, as if it had not been listed.
 */
import type { OroClient, Page } from '../../oro/types.js';
import { chunks, isStagingId, oddIdReason, readAhead } from './push-pages.js';

/**
 * Records per listing request. A sparse page of ids and timestamps is small (about 60 bytes a
 * record), and a large one lets an idle run read the whole overlap window of a busy store in one
 * request. Oro sets no maximum by default (`oro_api.max_entities` -1, oroinc/platform
 * src/Oro/Bundle/ApiBundle/DependencyInjection/Configuration.php @6.1.0); a resource's
 * `max_results` lowers it (src/oro/reading.ts).
 */
const LIST_SIZE = 5000;

export interface FeedUnit {
  /** Full documents of orders not yet staged (possibly none). */
  page: Page;
  /** Ids listed that were staged already (first unit of a listed page only). */
  staged: string[];
  /** On the last unit of a listed page: the cursor that may be stored with it. */
  watermark?: string;
  /**
   * Run once the unit's batches have committed, in unit order (never in --dry-run): a feed's
   * own state besides the cursor (push-customers' remembered window and sweep position).
   */
  committed?: () => Promise<void>;
}

/** Full pages, as read, as feed units (`readAhead`: the next page is fetched while one is planned). */
export async function* pagesFeed(
  pages: AsyncIterable<Page>,
  o: { readAhead: boolean },
): AsyncGenerator<FeedUnit> {
  for await (const page of o.readAhead ? readAhead(pages) : pages) {
    yield { page, staged: [], ...(page.watermark !== undefined ? { watermark: page.watermark } : {}) };
  }
}

export interface SparseFeedOptions {
  oro: OroClient;
  /** The resource listed, e.g. `orders`. */
  resource: string;
  /** Which of these ids are staged already (never fetched in full again). */
  stagedIds: (ids: number[]) => Promise<ReadonlySet<number>>;
  since: string | null;
  overlapSeconds: number;
  include: string[];
  /** Orders per full fetch (`oro.pageSize`). */
  batchSize: number;
  /** Full fetches in flight (`oro.concurrency`). */
  concurrency: number;
  listSize?: number;
}

export async function* sparseFeed(o: SparseFeedOptions): AsyncGenerator<FeedUnit> {
  const listing = readAhead(
    listedIds(
      o.oro.readIncremental(o.resource, {
        since: o.since,
        overlapSeconds: o.overlapSeconds,
        fields: { [o.resource]: ['updatedAt'] },
        pageSize: o.listSize ?? LIST_SIZE,
      }),
    ),
  );
  // Units in listing order; each one's fetch starts when it is queued, at most `concurrency`
  // of them are queued (in flight or fetched and waiting for their turn).
  const queue: Promise<FeedUnit>[] = [];
  const queued = (unit: Promise<FeedUnit>): void => {
    // Observed when its turn comes; this keeps a failure behind an earlier one from being unhandled.
    unit.catch(() => undefined);
    queue.push(unit);
  };
  try {
    for await (const listed of listing) {
      const stagedIds = await o.stagedIds(listed.ids);
      const staged = listed.ids.filter((id) => stagedIds.has(id)).map(String);
      const batches = chunks(
        listed.ids.filter((id) => !stagedIds.has(id)),
        o.batchSize,
      );
      const notes = listed.notes;
      if (batches.length === 0) {
        while (queue.length >= o.concurrency) yield await (queue.shift() as Promise<FeedUnit>);
        queued(Promise.resolve({ page: { ...emptyPage(), ...notes }, staged, watermark: listed.watermark }));
      }
      for (let i = 0; i < batches.length; i++) {
        while (queue.length >= o.concurrency) yield await (queue.shift() as Promise<FeedUnit>);
        const last = i === batches.length - 1;
        const fetched = o.oro.readByIds(o.resource, (batches[i] as number[]).map(String), {
          include: o.include,
        });
        queued(
          fetched.then((page) => ({
            page: i === 0 ? Object.assign(page, notes) : page,
            staged: i === 0 ? staged : [],
            ...(last && listed.watermark !== undefined ? { watermark: listed.watermark } : {}),
          })),
        );
      }
    }
    while (queue.length > 0) yield await (queue.shift() as Promise<FeedUnit>);
  } finally {
    // Stopped early (time budget, a failed commit): let fetches in flight settle, unobserved.
    await Promise.allSettled(queue);
  }
}

/** A listed page as the feed keeps it while it waits its turn: its ids, and what to report. */
export interface ListedIds {
  /** The staging ids listed, in listing order. */
  ids: number[];
  /** Records the listing took out (`updatedAt` not a date, an id that is no staging id) or noted. */
  notes: Pick<Page, 'rejected' | 'future'>;
  watermark?: string;
}

/**
 * Each listed page, on arrival, as its ids alone: the parsed records (an object, its attributes
 * and strings per record, about 220 bytes each) are let go before the page waits in the
 * read-ahead, so a catch-up holds two lists of numbers instead of a page of 5,000 records
 * (docs/measurements.md, "Memory at a 60,000-order catch-up"). What the listing took out (an
 * updatedAt that is not a date) or noted (one in the future) is kept to be reported as
 * push-orders reports it (screenPage); an id that is no staging id is never sent back to Oro
 * (one odd id in a filter is a 400 for all).
 */
export async function* listedIds(pages: AsyncIterable<Page>): AsyncGenerator<ListedIds> {
  for await (const listed of pages) {
    const notes: Pick<Page, 'rejected' | 'future'> = {
      rejected: [
        ...(listed.rejected ?? []),
        ...listed.data
          .filter((r) => !isStagingId(r.id))
          .map((r) => ({ id: r.id, reason: oddIdReason('id', r.id) })),
      ],
      ...(listed.future ? { future: listed.future } : {}),
    };
    const ids: number[] = [];
    for (const r of listed.data) if (isStagingId(r.id)) ids.push(Number(r.id));
    // The reader's page is ours once yielded (src/oro/reading.ts): its records go now.
    listed.data.length = 0;
    yield { ids, notes, ...(listed.watermark !== undefined ? { watermark: listed.watermark } : {}) };
  }
}

const emptyPage = (): Page => ({ data: [], included: new Map() });
