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
import type { JsonApiResource, OroOrder, Page, QueryFilter } from './types.js';

/** Oro's default `max_related_entities` before 6.1.8. */
export const RELATED_CAP = 100;

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
