/**
 * JSON:API documents as Oro writes them (docs/oro.md): resources with every attribute (nulls
 * included), relationships as `{data}` (+ links with HATEOAS on), `included`, collection links.
 * Serialised resources are cached per record and reused until it changes, so that the sandbox
 * can serve thousands of orders per second.
 */
import { ApiError } from './errors.js';
import type { Profile } from './profile.js';
import type { ResourceDef } from './resources.js';
import type { DataStore, Rec } from './store.js';

export interface DocContext {
  /** `http://127.0.0.1:port/admin/api` */
  base: string;
  hateoas: boolean;
  fields: Map<string, Set<string>>;
  /** Ids listed per to-many relationship (`max_related_entities`); absent: all. */
  cap?: (type: string, relationship: string) => number;
  /** `type:id` of records the API user may not see: never included. */
  hidden?: ReadonlySet<string>;
}

/**
 * `max_related_entities` of the profile (tools/sandbox/profile.ts): a to-many relationship lists at
 * most this many ids, in the resource and in `include` alike, and only a `links.next` on the
 * relationship says so (oroinc/platform
 * src/Oro/Bundle/ApiBundle/Processor/GetMetadata/Rest/AddPaginationLinksForAssociations.php @6.1.0).
 */
export function relatedCap(profile: Profile): (type: string, relationship: string) => number {
  return (type, rel) =>
    type === 'orders' && rel === 'lineItems' && !profile.lineItemsCapped ? Infinity : profile.relatedCap;
}

function resourceObject(rec: Rec, ctx: DocContext, only?: Set<string>): Record<string, unknown> {
  const self = `${ctx.base}/${rec.type}/${rec.id}`;
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec.attributes)) if (!only || only.has(k)) attributes[k] = v;
  const relationships: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec.relationships)) {
    if (only && !only.has(k)) continue;
    const cap = Array.isArray(v) && ctx.cap ? ctx.cap(rec.type, k) : Infinity;
    const data = Array.isArray(v) && v.length > cap ? v.slice(0, cap) : v;
    const links: Record<string, string> = { self: `${self}/relationships/${k}`, related: `${self}/${k}` };
    if (data !== v) links['next'] = `${self}/relationships/${k}?page%5Bnumber%5D=2`;
    relationships[k] = ctx.hateoas ? { links, data } : { data };
  }
  return {
    type: rec.type,
    id: rec.id,
    ...(ctx.hateoas ? { links: { self } } : {}),
    attributes,
    ...(Object.keys(relationships).length ? { relationships } : {}),
  };
}

function resourceJson(rec: Rec, ctx: DocContext): string {
  const only = ctx.fields.get(rec.type);
  if (only) return JSON.stringify(resourceObject(rec, ctx, only));
  const slot = ctx.hateoas ? 1 : 0;
  return (rec.json[slot] ??= JSON.stringify(resourceObject(rec, ctx)));
}

/** Related resources for `include` paths (dotted paths followed segment by segment). */
export function collectIncluded(
  store: DataStore,
  defs: Map<string, ResourceDef>,
  primary: Rec[],
  paths: string[][],
  ctx: DocContext,
): Rec[] {
  if (paths.length === 0) return [];
  const seen = new Set(primary.map((r) => `${r.type}:${r.id}`));
  const out: Rec[] = [];
  for (const path of paths) {
    let level = primary;
    for (const rel of path) {
      const next: Rec[] = [];
      for (const rec of level) {
        const def = defs.get(rec.type);
        if (!def?.relationships[rel]) {
          if (level === primary) {
            throw new ApiError(400, 'value constraint', `The relationship "${rel}" does not exist.`, {
              parameter: 'include',
            });
          }
          continue;
        }
        // With fields[type] the included relationship must be named too (docs/oro.md).
        const only = ctx.fields.get(rec.type);
        if (only && !only.has(rel)) continue;
        const data = rec.relationships[rel];
        let refs = Array.isArray(data) ? data : data ? [data] : [];
        const cap = Array.isArray(data) && ctx.cap ? ctx.cap(rec.type, rel) : Infinity;
        if (refs.length > cap) refs = refs.slice(0, cap);
        for (const ref of refs) {
          const target = store.get(ref.type, ref.id);
          if (!target) continue; // types the sandbox does not hold (users, products …)
          if (ctx.hidden?.has(`${ref.type}:${ref.id}`)) continue;
          next.push(target);
          const key = `${ref.type}:${ref.id}`;
          if (!seen.has(key)) {
            seen.add(key);
            out.push(target);
          }
        }
      }
      level = next;
    }
  }
  return out;
}

export function collectionDocument(
  data: Rec[],
  included: Rec[],
  ctx: DocContext,
  links?: Record<string, string>,
): string {
  let s = '{"data":[';
  for (let i = 0; i < data.length; i++) s += (i ? ',' : '') + resourceJson(data[i]!, ctx);
  s += ']';
  if (links) s += `,"links":${JSON.stringify(links)}`;
  if (included.length) {
    s += ',"included":[';
    for (let i = 0; i < included.length; i++) s += (i ? ',' : '') + resourceJson(included[i]!, ctx);
    s += ']';
  }
  return `${s}}`;
}

export function singleDocument(rec: Rec, included: Rec[], ctx: DocContext): string {
  let s = `{"data":${resourceJson(rec, ctx)}`;
  if (included.length) s += `,"included":[${included.map((r) => resourceJson(r, ctx)).join(',')}]`;
  return `${s}}`;
}

/**
 * Collection links (docs/oro.md): `self` always; `next` only when more records exist; `first`
 * and `prev` only from page 2; the query string minus `page[number]` is carried along.
 */
export function collectionLinks(
  url: string,
  carried: string[],
  page: number,
  hasMore: boolean,
): Record<string, string> {
  const at = (n: number): string => {
    const parts = n > 1 ? [...carried, `page%5Bnumber%5D=${n}`] : carried;
    return parts.length ? `${url}?${parts.join('&')}` : url;
  };
  const links: Record<string, string> = { self: at(1) };
  if (page > 1) {
    links['first'] = at(1);
    links['prev'] = at(page - 1);
  }
  if (hasMore) links['next'] = at(page + 1);
  return links;
}
