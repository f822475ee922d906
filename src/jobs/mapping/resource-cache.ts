/**
 * Related resources a mapping path needs beyond a page's `included` (the order's payment term,
 * a customer's group, …), read in bulk (`filter[id]=1,2,3`, a list is an IN:
 * https://doc.oroinc.com/api/filters/) once per run and per type, never one request per order.
 */
import { OroRecordError } from '../../oro/errors.js';
import type { Logger } from '../../log/types.js';
import { parseWholeListKey, readWholeLists } from '../../oro/to-many.js';
import type { JsonApiResource, OroClient } from '../../oro/types.js';
import { lookupIn, type ResourceLookup } from './paths.js';

const CHUNK = 100;

export class ResourceCache {
  private readonly known = new Map<string, JsonApiResource>();
  private readonly tried = new Set<string>();
  /** Types Oro refuses to list (403/404/405: no ACL, or not an API resource there). */
  private readonly unreadable = new Set<string>();
  /** String-id types read whole (readWhole). */
  private readonly whole = new Set<string>();

  constructor(
    private readonly oro: OroClient,
    private readonly logger: Logger,
  ) {}

  /**
   * Looks in `first` (a page's `included`, then resources read for it, such as its customers'
   * contacts) in that order, then in what this cache read; null for an unreadable type.
   */
  lookup(...first: ReadonlyMap<string, JsonApiResource>[]): ResourceLookup {
    const find = lookupIn(...first, this.known);
    return (type, id) => find(type, id) ?? (this.unreadable.has(type) ? null : undefined);
  }

  put(resources: Iterable<JsonApiResource>): void {
    for (const r of resources) this.known.set(`${r.type}:${r.id}`, r);
  }

  /** Reads the `type:id` keys not read before; a key Oro does not return stays unknown. */
  async fetch(keys: Iterable<string>): Promise<void> {
    const byType = new Map<string, string[]>();
    const lists: string[] = [];
    for (const key of keys) {
      if (this.tried.has(key) || this.known.has(key)) continue;
      this.tried.add(key);
      if (parseWholeListKey(key)) {
        lists.push(key);
        continue;
      }
      const [type = '', id = ''] = key.split(':');
      byType.set(type, [...(byType.get(type) ?? []), id]);
    }
    if (lists.length > 0) {
      // To-many lists that may have been cut at Oro's cap, read whole (src/oro/to-many.ts).
      const read = await readWholeLists((path, q) => this.oro.list(path, q), lists);
      this.put(read.lists);
      for (const f of read.failed)
        this.logger.warn(`Oro did not list ${describeKey(f.key)}; records that need it are not staged`, {
          reason: f.reason,
        });
    }
    for (const [type, ids] of byType) {
      if (ids.some((id) => !/^\d+$/.test(id))) {
        await this.readWhole(type);
        continue;
      }
      try {
        // Without links (kept for the run, they would be most of its size), so pages go by
        // number: a chunk is one id short of the page size, so its first page comes back short
        // and is known to be the last (a larger page[size] could exceed a resource's
        // max_results, docs/oro.md).
        for (let i = 0; i < ids.length; i += CHUNK - 1) {
          const chunk = ids.slice(i, i + CHUNK - 1);
          for await (const page of this.oro.list(type, {
            filter: { id: chunk.join(',') },
            pageSize: CHUNK,
            links: false,
          })) {
            this.put(page.data);
          }
        }
      } catch (err) {
        this.unreadableOr(type, err);
      }
    }
  }

  /**
   * A resource with string ids (enum options such as the order statuses, countries, regions,
   * product units, customer ratings) takes no list in `filter[id]`: `a,b` is one literal value
   * that matches nothing (filter_disallow_array_data_types, oroinc/platform
   * src/Oro/Bundle/ApiBundle/Resources/config/oro/app.yml @6.1.0), and the status lists refuse
   * paging parameters (oroinc/orocommerce src/Oro/Bundle/OrderBundle/Resources/config/oro/api.yml
   * @6.1.0: disable_paging). Such resources are small: read whole, once per run.
   */
  private async readWhole(type: string): Promise<void> {
    if (this.whole.has(type)) return;
    this.whole.add(type);
    try {
      for await (const page of this.oro.list(type, { unpaged: true })) this.put(page.data);
    } catch (err) {
      this.unreadableOr(type, err);
    }
  }

  /** A type Oro will not list for this user (403/404/405 on it) is unreadable; anything else is thrown. */
  private unreadableOr(type: string, err: unknown): void {
    if (!(err instanceof OroRecordError) || ![403, 404, 405].includes(err.status)) throw err;
    // Values read through this type map to null rather than quarantining every record.
    this.unreadable.add(type);
    this.logger.warn(`Oro does not let this API user read "${type}"; values read through it stay empty`, {
      status: err.status,
    });
  }

  /**
   * Runs `compute`, reads what it reported missing, runs it again. What is still missing after
   * that is for the caller to report.
   */
  async settle<T extends { missing: string[] }>(compute: () => Promise<T[]> | T[]): Promise<T[]> {
    let results = await compute();
    const missing = new Set(results.flatMap((r) => r.missing));
    const fresh = [...missing].filter((k) => !this.tried.has(k) && !this.known.has(k));
    // An unreadable type turns its paths to null: compute again even if nothing new was read.
    if (fresh.length > 0 || [...missing].some((k) => this.unreadable.has(k.split(':')[0] ?? ''))) {
      await this.fetch(fresh);
      results = await compute();
    }
    return results;
  }
}

/** The message for a resource a path needed that Oro did not return. */
export const missingProblem = (keys: readonly string[]): string =>
  `Oro did not return ${keys.map(describeKey).join(', ')}, which the mapping needs`;

/** Every reason a mapped record cannot be staged: its problems, then what Oro did not return. */
export function problemsOf(m: { problems: readonly string[]; missing: readonly string[] }): string[] {
  return [...m.problems, ...(m.missing.length > 0 ? [missingProblem(m.missing)] : [])];
}

/** `orders:7` → `orders 7`; `orders:7/subOrders` → `the whole subOrders list of orders 7`. */
function describeKey(key: string): string {
  const list = parseWholeListKey(key);
  return list ? `the whole ${list.rel} list of ${list.type} ${list.id}` : key.replace(':', ' ');
}
