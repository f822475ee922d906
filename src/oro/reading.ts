/**
 * Listing and incremental reading, one page at a time (never a whole collection in memory).
 * Neither trusts the server to end a read: a `links.next` seen before, a page that brings the
 * same records again or does not move the keyset forward, and more than `oro.maxPagesPerRead`
 * pages stop the read (an endless `links.next` once made 326,635 requests in four minutes).
 */
import { ServiceUnavailableError } from '../errors.js';
import type { Call } from './api.js';
import { assertListData } from './document-check.js';
import { OroRecordError } from './errors.js';
import { buildQuery, formatOroDateTime, toPage, type JsonApiDocument } from './query.js';
import type { IncrementalQuery, JsonApiResource, ListQuery, Page, QueryFilter } from './types.js';

/** What the readers need from the client. */
export interface Reading {
  call: Call;
  /** Requests one read may make (oro.maxPagesPerRead). */
  maxPages: number;
  now: () => number;
}

/**
 * How far a record's `updatedAt` may be ahead of this machine's clock before it is reported as
 * in the future (Oro's clock and ours differ a little). The watermark never passes our clock.
 */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Follows `links.next` (present only when more records exist: oroinc/platform
 * src/Oro/Bundle/ApiBundle/Metadata/NextPageLinkMetadata.php). The link's query
 * string is reused against the configured base URL, because Oro builds links from its own idea
 * of the host, which behind a proxy may not be reachable from here. Without any `links` (HATEOAS
 * off on the server, or `links: false` asked for) it falls back to page numbers while pages come
 * back full.
 */
export async function* listPages(
  r: Reading,
  resource: string,
  q: ListQuery,
  defaultSize: number,
): AsyncGenerator<Page> {
  // Unpaged: no paging parameters at all (resources with paging disabled answer them with a 400,
  // oroinc/platform GetWithFiltersTest.php @6.1.0); what the server pages anyway is followed by its
  // links.next.
  const pageSize = q.unpaged ? 0 : (q.pageSize ?? defaultSize);
  let path: string | null = resource + buildQuery({ ...q, pageSize: q.unpaged ? undefined : pageSize });
  let pageNumber = 1;
  const options = q.links === false ? { xInclude: ['noHateoas'] } : undefined;
  const links = new Set<string>();
  let previousIds = '';
  for (let n = 1; path !== null; n++) {
    if (n > r.maxPages) throw tooManyPages(resource, r.maxPages);
    const res = await r.call('GET', path, undefined, options);
    const { page, link, more } = readPage(res, pageSize, `GET ${resource}`);
    if (link !== null) {
      const ids = page.data.map((d) => d.id).join(',');
      // Oro links to a next page only when more records exist (NextPageLinkMetadata.php): an empty
      // page with a link, a link met before, or the same records again would never end.
      if (ids === '' || ids === previousIds || links.has(link)) throw notAdvancing(resource, 'links.next');
      links.add(link);
      previousIds = ids;
      path = resource + link;
    } else if (more) {
      const ids = page.data.map((d) => d.id).join(',');
      if (ids === previousIds) throw notAdvancing(resource, 'page[number]');
      previousIds = ids;
      path = resource + buildQuery({ ...q, pageSize, pageNumber: ++pageNumber });
    } else path = null;
    yield page; // the caller's from now on (it may empty it): not looked at again here
  }
}

/**
 * A listing's page with what comes after it: the query string of `links.next`, or, without any
 * links, whether a full page may have more after it. In a function of its own so that the
 * document is not kept across the generator's yield: its arrays hold the page's resources, and a
 * caller that empties the page (push-orders does) would otherwise not let go of them.
 */
function readPage(
  res: { body: unknown },
  pageSize: number,
  label: string,
): { page: Page; link: string | null; more: boolean } {
  const doc = (res.body ?? {}) as JsonApiDocument;
  assertListData(doc.data, label);
  const page = toPage(doc);
  const next = doc.links?.['next'];
  return {
    page,
    link: typeof next === 'string' ? new URL(next, 'http://oro.invalid/').search : null,
    more: doc.links === undefined && pageSize > 0 && page.data.length === pageSize,
  };
}

/**
 * Keyset read on (updatedAt, id). Offset paging over a set that changes while it is read skips
 * records (Oro pages by offset: oroinc/platform
 * src/Oro/Component/EntitySerializer/EntitySerializer.php), so every query starts from the last
 * key seen:
 *   1. `updatedAt >= since - overlap` (or everything), sorted `updatedAt,id`;
 *   2. after a full page ending at (T, id): the rest of the equal-T group, `updatedAt = T and
 *      id > id` sorted by `id`, until it is exhausted;
 *   3. then `updatedAt > T` sorted `updatedAt,id`, and so on until a page comes back short.
 * A record modified during the read gets a newer `updatedAt` and is met again further on.
 * The watermark of a page is T: every record with `updatedAt < T` has been yielded, and the next
 * run re-reads from T minus the overlap (`gte`), so a record sharing T is never lost.
 */
export async function* readIncrementalPages(
  r: Reading,
  resource: string,
  q: IncrementalQuery,
  defaultSize: number,
): AsyncGenerator<Page> {
  let pageSize = q.pageSize ?? defaultSize;
  let requests = 0;
  const fetch = async (filter: QueryFilter, sort: string): Promise<Page | null> => {
    for (;;) {
      // A catch-up longer than the cap ends here as if the data ended; the cursor moved with
      // every page staged, so the next run continues from there.
      if (++requests > r.maxPages) return null;
      const query = {
        filter: { ...q.filter, ...filter },
        sort,
        include: q.include,
        fields: q.fields,
        pageSize,
      };
      try {
        const res = await r.call('GET', resource + buildQuery(query), undefined, { xInclude: ['noHateoas'] });
        const doc = (res.body ?? {}) as JsonApiDocument;
        assertListData(doc.data, `GET ${resource}`);
        return toPage(doc);
      } catch (err) {
        const max = maxResultsOf(err);
        if (max === undefined || max >= pageSize) throw err;
        pageSize = max; // the resource's max_results: read that many at a time from now on
      }
    }
  };

  let lower: QueryFilter = {};
  if (q.since !== null) {
    const since = Date.parse(q.since);
    if (Number.isNaN(since)) throw new Error(`Invalid incremental cursor ${JSON.stringify(q.since)}`);
    lower = { updatedAt: { op: 'gte', value: formatOroDateTime(since - q.overlapSeconds * 1000) } };
  }
  let previous: Key | null = null;
  for (;;) {
    const page = await fetch(lower, 'updatedAt,id');
    if (page === null) return;
    const full = page.data.length >= pageSize;
    const key = screen(page, r.now());
    if (key === null) {
      // Nothing on the page can move the keyset: with more to come, reading would never end.
      if (full) throw notAdvancing(resource, 'updatedAt');
      if (page.rejected?.length) yield page;
      return;
    }
    if (previous !== null && compareKeys(key, previous) <= 0) throw notAdvancing(resource, 'updatedAt');
    previous = key;
    const t = key.t;
    let lastId = key.id;
    // A page is the caller's once yielded (it may empty it): what comes next is decided before.
    yield { ...page, watermark: watermark(key, r.now()) };
    if (!full) return;

    for (;;) {
      const group = await fetch({ updatedAt: t, id: { op: 'gt', value: lastId } }, 'id');
      if (group === null) return;
      const groupFull = group.data.length >= pageSize;
      const end = screen(group, r.now());
      if (end === null) {
        if (groupFull) throw notAdvancing(resource, 'id');
        if (group.rejected?.length) yield group;
        break;
      }
      if (compareIds(end.id, lastId) <= 0) throw notAdvancing(resource, 'id');
      lastId = end.id;
      yield { ...group, watermark: watermark(key, r.now()) };
      if (!groupFull) break;
    }
    lower = { updatedAt: { op: 'gt', value: t } };
  }
}

/** The keyset position of a record: its `updatedAt` as sent and as a time, and its id. */
interface Key {
  t: string;
  ms: number;
  id: string;
}

/**
 * Oro's datetime (oroinc/platform ApiBundle DateTimeToStringTransformer.php), with fractions or
 * an offset tolerated.
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Takes the records whose `updatedAt` is not a date out of the page (into `rejected`), notes the
 * ones too far in the future, and returns the key of the last good record (null: none).
 */
function screen(page: Page, now: number): Key | null {
  let last: Key | null = null;
  const kept: JsonApiResource[] = [];
  for (const rec of page.data) {
    const raw = rec.attributes['updatedAt'];
    const ms = typeof raw === 'string' && DATE_TIME.test(raw) ? Date.parse(raw) : NaN;
    if (Number.isNaN(ms)) {
      const shown = JSON.stringify(raw === undefined ? null : raw).slice(0, 60);
      (page.rejected ??= []).push({
        id: rec.id,
        reason: `its updatedAt ${shown} is not a date and time, so the sync cursor cannot use it; fix it in Oro`,
      });
      continue;
    }
    if (ms > now + FUTURE_TOLERANCE_MS) (page.future ??= []).push({ id: rec.id, updatedAt: raw as string });
    kept.push(rec);
    last = { t: raw as string, ms, id: rec.id };
  }
  if (kept.length !== page.data.length) {
    page.data.length = 0;
    page.data.push(...kept);
  }
  return last;
}

/** A page's watermark: its last `updatedAt`, but never past this machine's clock. */
function watermark(key: Key, now: number): string {
  return key.ms <= now ? key.t : formatOroDateTime(now);
}

function compareKeys(a: Key, b: Key): number {
  return a.ms !== b.ms ? a.ms - b.ms : compareIds(a.id, b.id);
}

/** Ids in Oro's order: whole numbers by value (any length), anything else as text. */
function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function notAdvancing(resource: string, by: string): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'oro',
    `Oro's paging of ${resource} does not move forward (${by} brought back records already read, or ` +
      'none at all while promising more); sagesync stopped reading rather than loop.',
    {
      hint: 'Something between sagesync and Oro may be ignoring the query string: check oro.url; the next run will try again.',
    },
  );
}

function tooManyPages(resource: string, max: number): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'oro',
    `Reading ${resource} took more than ${max} pages (oro.maxPagesPerRead); sagesync stopped reading.`,
    { hint: 'Raise oro.maxPagesPerRead if this listing is really that long.' },
  );
}

/**
 * N of Oro's refusal of a page size above a resource's `max_results`: 400 "The value should be
 * less than or equals to N." (oroinc/platform
 * src/Oro/Bundle/ApiBundle/Processor/Shared/ValidatePaging.php).
 */
export function maxResultsOf(err: unknown): number | undefined {
  if (!(err instanceof OroRecordError) || err.status !== 400) return undefined;
  const m = /less than or equals? to (\d+)/i.exec(err.detail ?? '');
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 ? n : undefined;
}
