/**
 * What push-orders keeps of each customer it mapped, for the rest of the run: enough to tell,
 * when a later page brings another order of the customer, that the customer maps to the very
 * same snapshot as before, and which hash that is. Not the customer, its contacts or its row:
 * kept whole (about 5 KB a customer), they were what a catch-up over thousands of customers held
 * (docs/measurements.md, "Memory at a 60,000-order catch-up"). What is kept instead:
 *  - the customer's `updatedAt` and X3 code at the time (CustomerSource re-reads a customer whose
 *    `updatedAt` moved, so the same `updatedAt` is the same customer to this run);
 *  - each related resource the mapping read: its type, id and a digest of the copy it read (the
 *    run cache's objects are digested once each: the cache keeps them unchanged for the run);
 *  - the snapshot's hash and problems, and its row only until the row is planned for staging
 *    (or found staged already): the later orders only need to know it is the latest.
 * A later mapping is the same when all of that holds, where a related resource is compared only
 * when the page (or the cache) has a copy of it at hand: with no copy at hand nothing newer has
 * been seen, which is also how the run treated it when it kept every resource it read.
 * All of it but the hash, problems and row is one string per customer: a memo of objects and
 * arrays held about 460 bytes a customer, this about 200 (docs/measurements.md).
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

export interface CustomerMemo {
  /**
   * One string (a memo is kept for every customer of a run, so it holds as few objects as it
   * can): the customer's `updatedAt` and X3 code as JSON, then for each related resource read,
   * once each, its type, its id and what was seen, a digest ('' when the type is unreadable);
   * separated by SEP. The run cache's objects are digested once each (they do not change).
   */
  inputs: string;
  hash: string;
  problems: string[];
  /** The snapshot row, until it is planned for staging or found to be the latest staged. */
  row: Row | undefined;
}

/**
 * Base64 characters of a digest kept (96 bits): it is only ever compared with a digest of
 * another copy of the same resource, so a chance match is out of the question at that length,
 * and every memo holds a few of them.
 */
const DIGEST_CHARS = 16;
const NONE: string[] = [];
const SEP = '\u0000';

export class CustomerMemos {
  private readonly memos: LruMap<string, CustomerMemo>;
  /** Digests of the run cache's objects (kept by the cache for the run; never changed). */
  private readonly digests = new WeakMap<JsonApiResource, string>();

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
    if (!m) return undefined;
    const head = customerPart(customer, code);
    if (!m.inputs.startsWith(head) || m.inputs.charAt(head.length) !== SEP) return undefined;
    const parts = m.inputs.split(SEP);
    for (let i = 3; i < parts.length; i += 3) {
      const now = lookup(parts[i] as string, parts[i + 1] as string);
      if (now !== undefined && this.seen(now) !== parts[i + 2]) return undefined;
    }
    if (m.problems.length > 0) return { row: null, hash: m.hash, problems: m.problems, missing: [] };
    if (m.hash === latest) return { row: null, hash: m.hash, problems: [], missing: [] };
    return m.row ? { row: m.row, problems: [], missing: [] } : undefined;
  }

  /**
   * A lookup that records what a mapping of the customer reads through `lookup`, and `remember`
   * to keep the mapping. `owned` looks in the run cache alone: the digest of an object found
   * there is kept for the run (alongside the object, which the cache keeps anyway).
   */
  recorder(
    lookup: ResourceLookup,
    owned: ResourceLookup,
  ): {
    lookup: ResourceLookup;
    remember: (id: string, customer: JsonApiResource, code: string | null, m: MappedCustomer) => void;
  } {
    const read: string[] = [];
    const recording: ResourceLookup = (type, rid) => {
      const found = lookup(type, rid);
      if (found === undefined || wasRead(read, type, rid)) return found;
      if (found !== null && found === owned(type, rid) && !this.digests.has(found))
        this.digests.set(found, digestOf(found));
      read.push(type, rid, this.seen(found));
      return found;
    };
    const remember = (id: string, customer: JsonApiResource, code: string | null, m: MappedCustomer) => {
      // A mapping that lacked a resource is not the customer's mapping yet (settle reads it). An
      // id holding SEP (never seen; Oro's ids are numbers or codes) is not kept: mapped again.
      if (m.missing.length > 0 || !m.row || read.some((x) => x.includes(SEP))) return;
      this.memos.set(id, {
        // Joined: one flat string (a `+` would keep a tree of the parts).
        inputs: [customerPart(customer, code), '', ...read].join(SEP),
        hash: String(m.row.payload_hash),
        problems: m.problems.length > 0 ? m.problems : NONE,
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

  /** What a mapping saw of a resource: '' for an unreadable type (null), else a digest. */
  private seen(r: JsonApiResource | null): string {
    if (r === null) return '';
    return this.digests.get(r) ?? digestOf(r);
  }
}

/** The customer's part of `inputs`: its `updatedAt` and X3 code as JSON (which never holds SEP). */
function customerPart(customer: JsonApiResource, code: string | null): string {
  return [String(JSON.stringify(customer.attributes.updatedAt)), JSON.stringify(code)].join(SEP);
}

function wasRead(read: readonly string[], type: string, id: string): boolean {
  for (let i = 0; i < read.length; i += 3) if (read[i] === type && read[i + 1] === id) return true;
  return false;
}

/**
 * A digest of what makes two copies of a resource the same (attributes, and the data of each
 * relationship: a copy read with HATEOAS on also carries `links`, not content), the same for
 * equal copies whatever their key order.
 */
export function digestOf(r: JsonApiResource): string {
  const rels: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.relationships ?? {})) rels[k] = v?.data;
  return createHash('sha1')
    .update(canonicalJson([r.type, r.id, r.attributes, rels]))
    .digest('base64')
    .slice(0, DIGEST_CHARS);
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
