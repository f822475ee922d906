/**
 * Query strings as Oro reads them (https://doc.oroinc.com/api/filters/): `filter[f]=v`,
 * `filter[f][op]=v`, `sort=a,-b`, `include=…`, `fields[type]=…`, `page[size]`, `page[number]`.
 */
import type { JsonApiResource, Page, QueryFilter } from './types.js';

export interface QueryParts {
  filter?: QueryFilter;
  sort?: string;
  include?: string[];
  fields?: Record<string, string[]>;
  pageSize?: number;
  pageNumber?: number;
}

export function buildQuery(q: QueryParts): string {
  const parts: string[] = [];
  const enc = encodeURIComponent;
  for (const [field, cond] of Object.entries(q.filter ?? {})) {
    if (typeof cond === 'string') parts.push(`filter[${field}]=${enc(cond)}`);
    else parts.push(`filter[${field}][${cond.op}]=${enc(cond.value)}`);
  }
  if (q.sort) parts.push(`sort=${enc(q.sort)}`);
  if (q.include?.length) parts.push(`include=${enc(q.include.join(','))}`);
  for (const [type, list] of Object.entries(q.fields ?? {}))
    parts.push(`fields[${type}]=${enc(list.join(','))}`);
  if (q.pageSize !== undefined) parts.push(`page[size]=${q.pageSize}`);
  if (q.pageNumber !== undefined && q.pageNumber > 1) parts.push(`page[number]=${q.pageNumber}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Oro datetime format (docs/oro.md): `YYYY-MM-DDThh:mm:ssZ`, UTC, no fractions. */
export function formatOroDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface JsonApiDocument {
  data?: unknown;
  included?: unknown;
  links?: Record<string, unknown>;
}

/**
 * A wire resource with `attributes`/`relationships` always present (JSON:API allows omitting
 * them) and every relationship's `data` set. Normalised in place: the objects are fresh from
 * JSON.parse and ours alone, and a page holds thousands of them, so copying each one would only
 * feed the garbage collector (members such as `links` stay where they are, unread).
 */
export function normalizeResource(raw: unknown): JsonApiResource {
  const r = raw as {
    type: unknown;
    id: unknown;
    attributes?: unknown;
    relationships?: Record<string, { data?: unknown } | null>;
  };
  if (typeof r.type !== 'string') r.type = String(r.type);
  if (typeof r.id !== 'string') r.id = String(r.id);
  if (r.attributes === null || typeof r.attributes !== 'object') r.attributes = {};
  if (r.relationships === null || typeof r.relationships !== 'object') r.relationships = {};
  else {
    const rels = r.relationships;
    for (const name in rels) {
      const rel = rels[name];
      if (rel === null || typeof rel !== 'object') rels[name] = { data: null };
      else if (rel.data === undefined) rel.data = null;
    }
  }
  return r as unknown as JsonApiResource;
}

export function toPage(doc: JsonApiDocument): Page {
  const data = Array.isArray(doc.data) ? doc.data.map(normalizeResource) : [];
  return { data, included: indexIncluded(doc.included) };
}

export function indexIncluded(included: unknown): Map<string, JsonApiResource> {
  const map = new Map<string, JsonApiResource>();
  if (Array.isArray(included)) {
    for (const raw of included) {
      const r = normalizeResource(raw);
      map.set(`${r.type}:${r.id}`, r);
    }
  }
  return map;
}
