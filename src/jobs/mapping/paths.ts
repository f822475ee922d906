/**
 * Source paths over a JSON:API resource graph, the one way mapping specs, custom attributes,
 * criteria and (later) custom streams name an Oro value.
 *
 * A path is dot-separated segments. Every segment but the last must be a to-one relationship,
 * followed through the resources at hand (`included` of the page plus extra reads). The last
 * segment is `id`, an attribute, or a relationship (its related id, or a list of ids for a
 * to-many one). Examples: `identifier`, `customer` (the id), `customerUser.email`,
 * `billingAddress.region` (`US-NY`), `customer.group.name`.
 * Wire shapes: docs/oro.md, and Oro's own documents at a release tag (oroinc/platform
 * src/Oro/Bundle/ApiBundle/Request/JsonApi/JsonApiDocumentBuilder.php @6.1.0).
 */
import { maybeCut } from '../../oro/to-many.js';
import type { JsonApiResource, ResourceIdentifier } from '../../oro/types.js';

/**
 * Finds a resource by type and id: undefined when it was not read (yet), null when it cannot be
 * read at all (the API user may not list that type) and the path should give null.
 */
export type ResourceLookup = (type: string, id: string) => JsonApiResource | null | undefined;

export const lookupIn =
  (...maps: ReadonlyMap<string, JsonApiResource>[]): ResourceLookup =>
  (type, id) => {
    const key = `${type}:${id}`;
    for (const m of maps) {
      const r = m.get(key);
      if (r) return r;
    }
    return undefined;
  };

/** Where a path stopped: `value` when resolved, `missing` when a related resource was not read. */
export type PathResult = { found: true; value: unknown } | { found: false; missing: string };

function toOne(resource: JsonApiResource, rel: string): ResourceIdentifier | null | undefined {
  const r = resource.relationships?.[rel];
  if (!r) return undefined;
  return Array.isArray(r.data) ? undefined : r.data;
}

// Paths come from specs and configuration: few distinct strings, each split once.
const SPLIT = new Map<string, string[]>();

/** What resolveValue returns when a related resource was not read (`type id`). */
export class MissingResource {
  constructor(readonly missing: string) {}
}

/** Resolves a path; an absent attribute or an empty relationship yields `null`. */
export function resolvePath(root: JsonApiResource, path: string, lookup: ResourceLookup): PathResult {
  const v = resolveValue(root, path, lookup);
  return v instanceof MissingResource ? { found: false, missing: v.missing } : { found: true, value: v };
}

/**
 * resolvePath without a result object per call (the mapper resolves every column of every
 * record): the value, or a MissingResource. Wire values are plain JSON, never MissingResource.
 */
export function resolveValue(root: JsonApiResource, path: string, lookup: ResourceLookup): unknown {
  let segments = SPLIT.get(path);
  if (!segments) {
    segments = path.split('.');
    if (SPLIT.size < 10_000) SPLIT.set(path, segments);
  }
  let current = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i] as string;
    const ref = toOne(current, seg);
    if (ref === null) return null;
    if (ref === undefined) {
      // Not a to-one relationship: maybe a JSON object attribute (e.g. productVariantFields).
      return digAttribute(current.attributes?.[seg], segments.slice(i + 1));
    }
    const next = lookup(ref.type, ref.id);
    if (next === null) return null;
    if (next === undefined) return new MissingResource(`${ref.type} ${ref.id}`);
    current = next;
  }
  return lastSegment(current, segments[segments.length - 1] as string, lookup);
}

function lastSegment(resource: JsonApiResource, seg: string, lookup: ResourceLookup): unknown {
  if (seg === 'id') return resource.id;
  if (resource.attributes && Object.hasOwn(resource.attributes, seg)) return resource.attributes[seg] ?? null;
  const rel = resource.relationships?.[seg];
  if (rel) {
    if (rel.data === null) return null;
    if (!Array.isArray(rel.data)) return rel.data.id;
    const all = wholeList(resource, seg, lookup);
    return all instanceof MissingResource ? all : all.map((d) => d.id);
  }
  return null;
}

/**
 * A to-many relationship's ids, never part of them: a list that may have been cut at Oro's
 * to-many cap (src/oro/to-many.ts `maybeCut`) is taken from the whole list read for it (the
 * pseudo-resource `type id/rel`, src/oro/to-many.ts `readWholeLists`), and is missing until then.
 */
export function wholeList(
  resource: JsonApiResource,
  rel: string,
  lookup: ResourceLookup,
): ResourceIdentifier[] | MissingResource {
  const r = resource.relationships?.[rel];
  if (!r || !Array.isArray(r.data)) return [];
  if (!maybeCut(r)) return r.data;
  const whole = lookup(resource.type, `${resource.id}/${rel}`)?.relationships[rel]?.data;
  return Array.isArray(whole) ? whole : new MissingResource(`${resource.type} ${resource.id}/${rel}`);
}

function digAttribute(value: unknown, rest: string[]): unknown {
  let v = value;
  for (const seg of rest) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    v = (v as Record<string, unknown>)[seg] ?? null;
  }
  return v ?? null;
}
