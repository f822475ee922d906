/**
 * The to-many cap. Up to 6.1.7 a to-many relationship lists at most `max_related_entities` = 100
 * ids, order `lineItems` and `include=lineItems` included (oroinc/platform
 * src/Oro/Bundle/ApiBundle/DependencyInjection/Configuration.php @6.1.7: defaultValue(100); @6.1.8:
 * 1000; oroinc/orocommerce src/Oro/Bundle/OrderBundle/Resources/config/oro/api.yml @6.1.8 makes
 * `lineItems` `max_results: -1`, earlier tags do not). The only sign of the cut is a `links.next`
 * on the relationship (oroinc/platform
 * src/Oro/Bundle/ApiBundle/Processor/GetMetadata/Rest/AddPaginationLinksForAssociations.php @6.1.0),
 * which `X-Include: noHateoas` removes. So a list that reaches the cap, or says there is more, is
 * taken as possibly cut and read whole.
 */
import { OroNotFoundError, OroRecordError } from './errors.js';
import type { JsonApiResource, ListQuery, OroOrder, Page, QueryFilter, ResourceIdentifier } from './types.js';

/** Oro's default `max_related_entities` before 6.1.8. */
const RELATED_CAP = 100;

/** A to-many relationship's ids may be only the first of more. */
export function maybeCut(rel: unknown): boolean {
  if (!rel || typeof rel !== 'object') return false;
  const r = rel as { data?: unknown; links?: { next?: unknown } };
  if (!Array.isArray(r.data)) return false;
  return r.data.length >= RELATED_CAP || (r.links?.next !== undefined && r.links.next !== null);
}

type Lister = (
  resource: string,
  q: { filter: QueryFilter; sort: string; pageSize: number; links: false },
) => AsyncIterable<Page>;

/**
 * Every line of the orders whose `lineItems` may have been cut, read with
 * `orderlineitems?filter[order]=ID` (6.0, to-one `order`) or `filter[orders]=ID` (6.1+, to-many),
 * paged (the cap and its sources: above). The order's line list and its relationship are replaced
 * by what was read, so a header is never staged with part of its lines. Returns how many orders
 * were read again.
 */
export async function completeLineItems(
  list: Lister,
  orderLink: 'order' | 'orders',
  orders: readonly OroOrder[],
): Promise<number> {
  let read = 0;
  for (const o of orders) {
    if (!maybeCut(o.order.relationships['lineItems'])) continue;
    const lines: JsonApiResource[] = [];
    const q = {
      filter: { [orderLink]: o.order.id },
      sort: 'id',
      pageSize: RELATED_CAP,
      links: false,
    } as const;
    for await (const page of list('orderlineitems', q)) lines.push(...page.data);
    o.lineItems = lines;
    o.order.relationships['lineItems'] = { data: lines.map((l) => ({ type: l.type, id: l.id })) };
    read++;
  }
  return read;
}

/**
 * Where a to-many relationship read whole is kept among the resources a mapping looks up: the
 * pseudo-resource `type:id/relationship` (src/jobs/mapping/paths.ts asks for it when the list
 * at hand may be cut). `type:id/rel` → its parts; null for a plain `type:id` key.
 */
export function parseWholeListKey(key: string): { type: string; id: string; rel: string } | null {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(key);
  return m ? { type: m[1] as string, id: m[2] as string, rel: m[3] as string } : null;
}

type PlainLister = (resource: string, q: ListQuery) => AsyncIterable<Page>;

/**
 * Every id of the to-many relationships named by `keys` (`type:id/rel`), each from its
 * relationship endpoint `{type}/{id}/relationships/{rel}`, paged: that endpoint is a paged list
 * (oroinc/platform src/Oro/Bundle/ApiBundle/Resources/config/processors.shared.yml @6.0.10:
 * `oro_api.set_default_paging` is tagged for `get_relationship`), not a relationship inside a
 * resource, so `max_related_entities` does not cut it. Each is returned as a pseudo-resource
 * holding the whole list; a relationship Oro will not list (403, 404, 405, or a 400 for a
 * relationship without that endpoint) is in `failed` with the reason, and the records that need
 * it fail rather than being staged with part of the list.
 */
export async function readWholeLists(
  list: PlainLister,
  keys: Iterable<string>,
): Promise<{ lists: JsonApiResource[]; failed: { key: string; reason: string }[] }> {
  const lists: JsonApiResource[] = [];
  const failed: { key: string; reason: string }[] = [];
  for (const key of keys) {
    const k = parseWholeListKey(key);
    if (!k) continue;
    const path = `${k.type}/${encodeURIComponent(k.id)}/relationships/${encodeURIComponent(k.rel)}`;
    try {
      const ids: ResourceIdentifier[] = [];
      for await (const page of list(path, { pageSize: RELATED_CAP, links: false })) {
        for (const r of page.data) ids.push({ type: r.type, id: r.id });
      }
      lists.push({
        type: k.type,
        id: `${k.id}/${k.rel}`,
        attributes: {},
        relationships: { [k.rel]: { data: ids } },
      });
    } catch (err) {
      const refused =
        (err instanceof OroRecordError && [400, 403, 404, 405].includes(err.status)) ||
        err instanceof OroNotFoundError;
      if (!refused) throw err;
      failed.push({ key, reason: (err as Error).message });
    }
  }
  return { lists, failed };
}
