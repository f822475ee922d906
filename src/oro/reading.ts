/**
 * Listing and incremental reading, one page at a time (never a whole collection in memory).
 */
import type { Call } from './api.js';
import { buildQuery, formatOroDateTime, toPage, type JsonApiDocument } from './query.js';
import type { IncrementalQuery, ListQuery, Page, QueryFilter } from './types.js';

/**
 * Follows `links.next` (fact sheet §2: present only when more records exist). The link's query
 * string is reused against the configured base URL, because Oro builds links from its own idea
 * of the host, which behind a proxy may not be reachable from here. Without any `links` (HATEOAS
 * off on the server, or `links: false` asked for) it falls back to page numbers while pages come
 * back full.
 */
export async function* listPages(
  call: Call,
  resource: string,
  q: ListQuery,
  defaultSize: number,
): AsyncGenerator<Page> {
  const pageSize = q.pageSize ?? defaultSize;
  let path: string | null = resource + buildQuery({ ...q, pageSize });
  let pageNumber = 1;
  const options = q.links === false ? { xInclude: ['noHateoas'] } : undefined;
  while (path !== null) {
    const { page, link, more } = readPage(await call('GET', path, undefined, options), pageSize);
    if (link !== null) path = resource + link;
    else if (more) path = resource + buildQuery({ ...q, pageSize, pageNumber: ++pageNumber });
    else path = null;
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
): { page: Page; link: string | null; more: boolean } {
  const doc = (res.body ?? {}) as JsonApiDocument;
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
 * records (fact sheet §4: Oro pages by offset), so every query starts from the last key seen:
 *   1. `updatedAt >= since - overlap` (or everything), sorted `updatedAt,id`;
 *   2. after a full page ending at (T, id): the rest of the equal-T group, `updatedAt = T and
 *      id > id` sorted by `id`, until it is exhausted;
 *   3. then `updatedAt > T` sorted `updatedAt,id`, and so on until a page comes back short.
 * A record modified during the read gets a newer `updatedAt` and is met again further on.
 * The watermark of a page is T: every record with `updatedAt < T` has been yielded, and the next
 * run re-reads from T minus the overlap (`gte`), so a record sharing T is never lost.
 */
export async function* readIncrementalPages(
  call: Call,
  resource: string,
  q: IncrementalQuery,
  defaultSize: number,
): AsyncGenerator<Page> {
  const pageSize = q.pageSize ?? defaultSize;
  const fetch = async (filter: QueryFilter, sort: string): Promise<Page> => {
    const path =
      resource + buildQuery({ filter: { ...q.filter, ...filter }, sort, include: q.include, pageSize });
    const res = await call('GET', path, undefined, { xInclude: ['noHateoas'] });
    return toPage((res.body ?? {}) as JsonApiDocument);
  };

  let lower: QueryFilter = {};
  if (q.since !== null) {
    const since = Date.parse(q.since);
    if (Number.isNaN(since)) throw new Error(`Invalid incremental cursor ${JSON.stringify(q.since)}`);
    lower = { updatedAt: { op: 'gte', value: formatOroDateTime(since - q.overlapSeconds * 1000) } };
  }
  for (;;) {
    const page = await fetch(lower, 'updatedAt,id');
    const last = page.data.at(-1);
    if (!last) return;
    const t = String(last.attributes['updatedAt']);
    let lastId = last.id;
    // A page is the caller's once yielded (it may empty it): what comes next is decided before.
    const short = page.data.length < pageSize;
    yield { ...page, watermark: t };
    if (short) return;

    for (;;) {
      const group = await fetch({ updatedAt: t, id: { op: 'gt', value: lastId } }, 'id');
      const end = group.data.at(-1);
      if (!end) break;
      const groupShort = group.data.length < pageSize;
      lastId = end.id;
      yield { ...group, watermark: t };
      if (groupShort) break;
    }
    lower = { updatedAt: { op: 'gt', value: t } };
  }
}
