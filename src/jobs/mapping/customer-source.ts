/**
 * Reads what a customer snapshot needs besides the customer itself, for many customers at once:
 * their addresses (`customeraddresses?filter[customer]=1,2`) and users
 * (`customerusers?filter[customer]=1,2`; every association is a filter and a comma list an IN:
 * https://doc.oroinc.com/api/filters/), without HATEOAS links. Prepared customers are kept for the
 * run, keyed by id and `updatedAt`, CUSTOMERS_KEPT at most.
 */
import type { Logger } from '../../log/types.js';
import { OroRecordError } from '../../oro/errors.js';
import type { JsonApiResource, OroClient } from '../../oro/types.js';
import { pickBillingAddress, pickMainContact, withContacts } from './customer-snapshot.js';
import { LruMap } from './lru-map.js';
import type { ResourceCache } from './resource-cache.js';

const CHUNK = 100;

/**
 * Customers kept prepared at most (lru-map.ts), with their billing address and main contact;
 * push-orders keeps as many mappings (plan-orders.ts). About 5 KB each in all: without a bound, a
 * catch-up of 60,000 orders over 3,000 customers held 20 MB more live heap than one of 1,000 orders,
 * and peaked at 285–305 MB RSS. A customer met again after being let go is read again (two
 * requests per page for those of a page): 1,000 keeps every customer of the bench's 20,000-order
 * catch-ups, so its Oro requests and time are as before.
 */
export const CUSTOMERS_KEPT = 1000;

interface Prepared {
  updatedAt: unknown;
  resource: JsonApiResource;
  /** The cache keys of its billing address and main contact, forgotten with it. */
  kept: string[];
}

export class CustomerSource {
  private readonly prepared: LruMap<string, Prepared>;

  constructor(
    private readonly oro: OroClient,
    private readonly cache: ResourceCache,
    private readonly logger: Logger,
    keep = CUSTOMERS_KEPT,
  ) {
    this.prepared = new LruMap(keep, (_id, dropped) => cache.forget(dropped.kept));
  }
  private readonly unreadable = new Set<string>();

  /**
   * Prepared customers (with `defaultBillingAddress` and `mainContact`) for these ids. `given`
   * are customer resources already at hand (a page's `included`, or the page itself).
   */
  async load(
    ids: readonly string[],
    given: ReadonlyMap<string, JsonApiResource>,
  ): Promise<Map<string, JsonApiResource>> {
    const out = new Map<string, JsonApiResource>();
    const base = new Map<string, JsonApiResource>();
    const unknown = ids.filter((id) => !given.has(`customers:${id}`));
    if (unknown.length > 0) await this.cache.fetch(unknown.map((id) => `customers:${id}`));
    const lookup = this.cache.lookup(given);
    for (const id of new Set(ids)) {
      const c = lookup('customers', id);
      if (!c) continue;
      const hit = this.prepared.get(id);
      if (hit && hit.updatedAt === c.attributes.updatedAt) out.set(id, hit.resource);
      else base.set(id, c);
    }
    if (base.size === 0) return out;
    const ids2 = [...base.keys()];
    // Independent reads: both in flight at once (one wait instead of two per page of new
    // customers). allSettled, so a failure of both cannot leave one rejection unobserved.
    const [a, u] = await Promise.allSettled([
      this.byCustomer('customeraddresses', ids2),
      this.byCustomer('customerusers', ids2),
    ]);
    if (a.status === 'rejected') throw a.reason;
    if (u.status === 'rejected') throw u.reason;
    const addresses = a.value;
    const users = u.value;
    for (const [id, c] of base) {
      const billing = pickBillingAddress(addresses.get(id) ?? []);
      const contact = pickMainContact(users.get(id) ?? []);
      const resource = withContacts(c, billing, contact);
      // Only the two the snapshot links to are kept for the run (a customer's other users and
      // addresses are read again only if a configured path asks for them): this cache lives as
      // long as the run, and holding every user and address of every customer met made it the
      // largest thing in the job's memory.
      const kept = [billing, contact].filter((r): r is JsonApiResource => r !== null);
      this.cache.put(kept);
      this.prepared.set(id, {
        updatedAt: c.attributes.updatedAt,
        resource,
        kept: kept.map((r) => `${r.type}:${r.id}`),
      });
      out.set(id, resource);
    }
    return out;
  }

  private async byCustomer(resource: string, ids: string[]): Promise<Map<string, JsonApiResource[]>> {
    const out = new Map<string, JsonApiResource[]>();
    if (this.unreadable.has(resource)) return out;
    try {
      await this.readInto(out, resource, ids);
    } catch (err) {
      if (!(err instanceof OroRecordError) || ![403, 404, 405].includes(err.status)) throw err;
      this.unreadable.add(resource);
      this.logger.warn(`Oro does not let this API user read "${resource}"; customer rows go without it`, {
        status: err.status,
      });
    }
    return out;
  }

  private async readInto(
    out: Map<string, JsonApiResource[]>,
    resource: string,
    ids: string[],
  ): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      for await (const page of this.oro.list(resource, {
        filter: { customer: chunk.join(',') },
        pageSize: 1000,
        links: false,
      })) {
        for (const r of page.data) {
          const rel = r.relationships?.customer?.data;
          const owner = rel && !Array.isArray(rel) ? rel.id : null;
          if (owner === null) continue;
          out.set(owner, [...(out.get(owner) ?? []), r]);
        }
      }
    }
  }
}
