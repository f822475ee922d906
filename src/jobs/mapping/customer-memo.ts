/**
 * What push-orders keeps of each customer it mapped, for the rest of the run: enough to tell,
 * when a later page brings another order of the customer, that the customer maps to the very
 * same snapshot as before, and which hash that is. Not the customer, its contacts or its row:
 * kept whole (about 5 KB a customer), they were what a catch-up over thousands of customers held
 * (docs/measurements.md, "Memory at a 60,000-order catch-up"). What is kept instead:
 *  - the customer's `updatedAt` and X3 code at the time (CustomerSource re-reads a customer whose
 *    `updatedAt` moved, so the same `updatedAt` is the same customer to this run);
 *  - each related resource the mapping read: the run cache's own object when it came from there
 *    (the cache keeps it anyway), else a digest of the copy it read;
 *  - the snapshot's hash and problems, and its row only until the row is planned for staging
 *    (or found staged already): the later orders only need to know it is the latest.
 * A later mapping is the same when all of that holds, where a related resource is compared only
 * when the page (or the cache) has a copy of it at hand: with no copy at hand nothing newer has
 * been seen, which is also how the run treated it when it kept every resource it read.
 */
import { createHash } from 'node:crypto';
import type { JsonApiResource } from '../../oro/types.js';
import type { Row } from '../../staging/store.js';
import { LruMap } from './lru-map.js';
import type { MappedCustomer } from './order-decision.js';
import type { ResourceLookup } from './paths.js';

/**
 * Customers whose mapping is kept at most (a few hundred bytes each): a customer met again after
 * being let go is read (two requests per page for those of a page) and mapped again.
 */
const MAPPINGS_KEPT = 10_000;

/** What a mapping saw of a related resource: the cache's object, null (unreadable), or a digest. */
type Seen = JsonApiResource | null | string;

export interface CustomerMemo {
  updatedAt: unknown;
  code: string | null;
  hash: string;
  problems: string[];
  /** Every related resource read, once each: type, id, what was seen; type, id, … */
  read: (string | Seen)[];
  /** The snapshot row, until it is planned for staging or found to be the latest staged. */
  row: Row | undefined;
}

const NONE: string[] = [];

export class CustomerMemos {
  private readonly memos: LruMap<string, CustomerMemo>;

  constructor(keep = MAPPINGS_KEPT) {
    this.memos = new LruMap(keep);
  }

  get size(): number {
    return this.memos.size;
  }

  /** What is kept of a customer (for tests of what a run keeps); does not count as a use. */
  peek(id: string): Readonly<CustomerMemo> | undefined {
    return this.raw(id);
  }

  private raw(id: string): CustomerMemo | undefined {
    return Map.prototype.get.call(this.memos, id) as CustomerMemo | undefined;
  }

  /**
   * The customer's earlier mapping when it still holds (see above), given the customer as the
   * page has it, its X3 code, the page's lookup and the latest hash planned or staged for it.
   * Its row is null when the snapshot is that latest one (an order then needs no snapshot).
   */
  recall(
    id: string,
    customer: JsonApiResource,
    code: string | null,
    lookup: ResourceLookup,
    latest: string | undefined,
  ): MappedCustomer | undefined {
    const m = this.memos.get(id);
    if (!m || m.updatedAt !== customer.attributes.updatedAt || m.code !== code) return undefined;
    for (let i = 0; i < m.read.length; i += 3) {
      const now = lookup(m.read[i] as string, m.read[i + 1] as string);
      if (now !== undefined && !same(m.read[i + 2] as Seen, now)) return undefined;
    }
    if (m.problems.length > 0) return { row: null, hash: m.hash, problems: m.problems, missing: [] };
    if (m.hash === latest) return { row: null, hash: m.hash, problems: [], missing: [] };
    return m.row ? { row: m.row, problems: [], missing: [] } : undefined;
  }

  /**
   * A lookup that records what a mapping of the customer reads through `lookup`, and `remember`
   * to keep the mapping. `owned` looks in the run cache alone: an object found there is kept
   * as is; a copy from elsewhere (the page, the customer's contacts) only as a digest.
   */
  recorder(
    lookup: ResourceLookup,
    owned: ResourceLookup,
  ): {
    lookup: ResourceLookup;
    remember: (id: string, customer: JsonApiResource, code: string | null, m: MappedCustomer) => void;
  } {
    const read: (string | Seen)[] = [];
    const recording: ResourceLookup = (type, rid) => {
      const found = lookup(type, rid);
      if (found === undefined || wasRead(read, type, rid)) return found;
      const seen = found === null || found === owned(type, rid) ? found : digestOf(found);
      read.push(type, rid, seen);
      return found;
    };
    const remember = (id: string, customer: JsonApiResource, code: string | null, m: MappedCustomer) => {
      // A mapping that lacked a resource is not the customer's mapping yet (settle reads it).
      if (m.missing.length > 0 || !m.row) return;
      this.memos.set(id, {
        updatedAt: customer.attributes.updatedAt,
        code,
        hash: String(m.row.payload_hash),
        problems: m.problems.length > 0 ? m.problems : NONE,
        read,
        row: m.problems.length > 0 ? undefined : m.row,
      });
    };
    return { lookup: recording, remember };
  }

  /** The customer's latest hash is now `latest`: if that is its snapshot, its row is let go. */
  settled(id: string, latest: string | undefined): void {
    const m = this.raw(id);
    if (m && m.hash === latest) m.row = undefined;
  }
}

function wasRead(read: readonly (string | Seen)[], type: string, id: string): boolean {
  for (let i = 0; i < read.length; i += 3) if (read[i] === type && read[i + 1] === id) return true;
  return false;
}

function same(seen: Seen, now: JsonApiResource | null): boolean {
  if (typeof seen === 'string') return now !== null && digestOf(now) === seen;
  return sameResource(now, seen);
}

/**
 * A digest of what sameResource compares (attributes, and the data of each relationship), the
 * same for equal copies whatever their key order.
 */
export function digestOf(r: JsonApiResource): string {
  const rels: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.relationships ?? {})) rels[k] = v?.data;
  return createHash('sha1')
    .update(canonicalJson([r.type, r.id, r.attributes, rels]))
    .digest('base64');
}

/** JSON with object keys sorted. */
function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/**
 * The same resource, or an equal copy (a page's `included` brings a fresh copy of, say, the
 * customer user who is also the main contact): equal attributes and related ids.
 */
function sameResource(a: JsonApiResource | null | undefined, b: JsonApiResource | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.type !== b.type || a.id !== b.id) return false;
  if (!sameJson(a.attributes, b.attributes)) return false;
  // Relationship `data` only: a copy read with HATEOAS on also carries `links`, not content.
  const ra = Object.keys(a.relationships);
  if (ra.length !== Object.keys(b.relationships).length) return false;
  return ra.every(
    (k) => Object.hasOwn(b.relationships, k) && sameJson(a.relationships[k]?.data, b.relationships[k]?.data),
  );
}

/** Deep equality of parsed JSON values (no string built: this runs for every customer per page). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameJson(ra[k], rb[k]));
}
