/**
 * Reads what a customer snapshot needs besides the customer itself, for many customers at once:
 * their addresses (`customeraddresses?filter[customer]=1,2`) and users
 * (`customerusers?filter[customer]=1,2`; every association is a filter and a comma list an IN:
 * https://doc.oroinc.com/api/filters/), without HATEOAS links. The few customers prepared last
 * are kept, keyed by id and `updatedAt`, PREPARED_KEPT at most: what a run keeps of every
 * customer it met is push-orders' business (customer-memo.ts), and far smaller.
 */
import type { Logger } from '../../log/types.js';
import { OroRecordError } from '../../oro/errors.js';
import type { JsonApiResource, OroClient } from '../../oro/types.js';
import { pickBillingAddress, pickMainContact, withContacts } from './customer-snapshot.js';
import { LruMap } from './lru-map.js';
import type { ResourceCache } from './resource-cache.js';

const CHUNK = 100;

/**
 * Customers kept prepared at most (lru-map.ts), each with its billing address and main contact
 * (about 5 KB together): two pages' worth, so that a customer met again soon (push-customers'
 * changed customers and then its sweep slice; push-orders re-mapping one whose contact changed
 * on a later page) is not read again. Kept for the run, every customer of a 60,000-order
 * catch-up held 20 MB of live heap; bounded at 1,000 still 10 MB (docs/measurements.md).
 */
const PREPARED_KEPT = 200;

interface Prepared {
  updatedAt: unknown;
  resource: JsonApiResource;
  /** Its billing address and main contact (the resources `resource` links to). */
  related: JsonApiResource[];
}

/** Prepared customers, and the billing addresses and main contacts they link to, by `type:id`. */
export interface PreparedCustomers {
  customers: Map<string, JsonApiResource>;
  related: Map<string, JsonApiResource>;
}

export class CustomerSource {
  private readonly prepared: LruMap<string, Prepared>;
  private readonly unreadable = new Set<string>();

  constructor(
    private readonly oro: OroClient,
    private readonly cache: ResourceCache,
    private readonly logger: Logger,
    keep = PREPARED_KEPT,
  ) {
    this.prepared = new LruMap(keep);
  }

  /** How many customers are kept prepared (for tests of what a run keeps). */
  get kept(): number {
    return this.prepared.size;
  }

  /**
   * Prepared customers (with `defaultBillingAddress` and `mainContact`) for these ids, and the
   * resources those two link to: a mapping looks them up after the page's `included` (a fresher
   * copy there wins) and before the run's cache, which does not keep them. `given` are customer
   * resources already at hand (a page's `included`, or the page itself).
   */
  async load(
    ids: readonly string[],
    given: ReadonlyMap<string, JsonApiResource>,
  ): Promise<PreparedCustomers> {
    const out: PreparedCustomers = { customers: new Map(), related: new Map() };
    const base = new Map<string, JsonApiResource>();
    const unknown = ids.filter((id) => !given.has(`customers:${id}`));
    if (unknown.length > 0) await this.cache.fetch(unknown.map((id) => `customers:${id}`));
    const lookup = this.cache.lookup(given);
    const add = (id: string, p: Prepared) => {
      out.customers.set(id, p.resource);
      for (const r of p.related) out.related.set(`${r.type}:${r.id}`, r);
    };
    for (const id of new Set(ids)) {
      const c = lookup('customers', id);
      if (!c) continue;
      const hit = this.prepared.get(id);
      if (hit && hit.updatedAt === c.attributes.updatedAt) add(id, hit);
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
      // Only the two the snapshot links to are kept (a customer's other users and addresses
      // are read again only if a configured path asks for them).
      const p: Prepared = {
        updatedAt: c.attributes.updatedAt,
        resource: withContacts(c, billing, contact),
        related: [billing, contact].filter((r): r is JsonApiResource => r !== null),
      };
      this.prepared.set(id, p);
      add(id, p);
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
