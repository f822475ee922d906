/**
 * The trackings an order already has in Oro, read for many orders at once: one listing of
 * ordershippingtrackings filtered by the order relationship (`filter[orders]=1,2,3` on 6.1,
 * `filter[order]=…` on 6.0, orocommerce 6.1.0 CHANGELOG.md; every association is filterable and a
 * comma list means IN, https://doc.oroinc.com/api/filters/). Falls back to one read per order when
 * the server refuses the filter.
 */
import type { OroClient, ResourceIdentifier } from '../oro/types.js';
import { classifyOroError } from './kit/oro-failure.js';

/** Orders per listing: keeps the query string short and a page mostly full. */
const ORDERS_PER_LIST = 100;

/** Comparison key of a tracking number: Oro never gets the same number twice on an order. */
export function trackingKey(number: string): string {
  return number.trim().toUpperCase();
}

export async function existingTrackings(
  oro: OroClient,
  orderIds: readonly number[],
): Promise<Map<number, Map<string, string>>> {
  const result = new Map<number, Map<string, string>>();
  for (const id of orderIds) result.set(id, new Map());
  const ids = [...result.keys()];
  const rel = (await oro.apiVersion()) === '6.1' ? 'orders' : 'order';
  for (let i = 0; i < ids.length; i += ORDERS_PER_LIST) {
    const chunk = ids.slice(i, i + ORDERS_PER_LIST);
    try {
      await listChunk(oro, rel, chunk, result);
    } catch (e) {
      const f = classifyOroError(e);
      if (f.kind === 'passing' || f.status !== 400) throw e;
      // A server that does not offer the filter: read order by order.
      for (const id of chunk) {
        const known = result.get(id) as Map<string, string>;
        try {
          for (const t of await oro.orderTrackings(String(id))) known.set(trackingKey(t.number), t.id);
        } catch (err) {
          // An order the API user may not view (403): its row fails on its own when applied.
          const g = classifyOroError(err);
          if (g.kind === 'passing' || g.status !== 403) throw err;
        }
      }
    }
  }
  return result;
}

async function listChunk(
  oro: OroClient,
  rel: 'orders' | 'order',
  chunk: readonly number[],
  result: Map<number, Map<string, string>>,
): Promise<void> {
  const query = {
    filter: { [rel]: chunk.join(',') },
    fields: { ordershippingtrackings: ['number', 'method', rel] },
    pageSize: 100,
  };
  for await (const page of oro.list('ordershippingtrackings', query)) {
    for (const t of page.data) {
      const number = t.attributes['number'];
      if (typeof number !== 'string') continue;
      const data = t.relationships[rel]?.data ?? null;
      const linked: ResourceIdentifier[] = data === null ? [] : Array.isArray(data) ? data : [data];
      for (const o of linked) result.get(Number(o.id))?.set(trackingKey(number), t.id);
    }
  }
}
