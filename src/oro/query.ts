/**
 * Query strings as Oro reads them (fact sheet §3–§5): `filter[f]=v`, `filter[f][op]=v`,
 * `sort=a,-b`, `include=…`, `fields[type]=…`, `page[size]`, `page[number]`.
 */
import type { JsonApiResource, Page, QueryFilter, ResourceIdentifier } from './types.js';

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

/** Oro datetime format (fact sheet §2): `YYYY-MM-DDThh:mm:ssZ`, UTC, no fractions. */
export function formatOroDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface JsonApiDocument {
  data?: unknown;
  included?: unknown;
  links?: Record<string, unknown>;
}

/** A wire resource with `attributes`/`relationships` always present (JSON:API allows omitting them). */
export function normalizeResource(raw: unknown): JsonApiResource {
  const r = raw as Partial<JsonApiResource> & { relationships?: Record<string, { data?: unknown }> };
  const relationships: JsonApiResource['relationships'] = {};
  for (const [name, rel] of Object.entries(r.relationships ?? {})) {
    relationships[name] = { data: (rel?.data ?? null) as ResourceIdentifier | ResourceIdentifier[] | null };
  }
  return { type: String(r.type), id: String(r.id), attributes: r.attributes ?? {}, relationships };
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
