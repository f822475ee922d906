/**
 * `/admin/api/…` of the sandbox: media-type checks (docs/oro.md), routing, lists with
 * filters/sort/paging/include/fields, single resources, subresources and relationships,
 * and the two write actions.
 */
import {
  collectIncluded,
  collectionDocument,
  collectionLinks,
  singleDocument,
  type DocContext,
} from './document.js';
import { ApiError, notFound } from './errors.js';
import { comparator, firstAtOrAbove, parseQuery } from './query.js';
import type { ResourceDef } from './resources.js';
import type { DataStore, Rec } from './store.js';
import type { Profile } from './profile.js';
import type { CustomFieldType } from './types.js';
import { patchResource } from './patch-resource.js';
import { createTracking, patchCustomer } from './writes.js';
import { relatedCap } from './document.js';

const JSON_API = 'application/vnd.api+json';

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Resources served (`data` + `included`), for the per-record cost of Faults.perRecordMs. */
  records?: number;
}

export interface ApiState {
  store: DataStore;
  defs: Map<string, ResourceDef>;
  profile: Profile;
  /** `/admin/api/` or another backend prefix's (oro.apiPath). */
  apiPath: string;
  /**
   * `type:id` of records the API user may not see (per-record ACL, oroinc/orocommerce
   * OrderShippingTrackingTest.php @6.1.0).
   */
  forbidden: Set<string>;
  customFields: Record<string, CustomFieldType>;
  /** Custom fields of other types than customers, by type (customerusers, products). */
  resourceFields?: Record<string, Record<string, CustomFieldType>>;
  base: string;
  nowText: () => string;
  /** `max_results` per resource (SandboxOptions.maxResults). */
  maxResults?: Record<string, number>;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | undefined>;
  body: string;
}

/** Media-type rules of CheckRequestType (docs/oro.md); null when the request may proceed. */
function checkMediaTypes(req: ApiRequest): ApiError | null {
  const ct = req.headers['content-type'];
  const ctJsonApi = ct !== undefined && ct.split(';')[0]!.trim().toLowerCase() === JSON_API;
  if (ctJsonApi && ct.includes(';')) {
    return new ApiError(
      415,
      'unsupported media type http exception',
      'The "Content-Type" request header should contain JSON:API media type without any parameters.',
    );
  }
  const accepts = (req.headers['accept'] ?? '').split(',').map((s) => s.trim().toLowerCase());
  const acceptPlain = accepts.includes(JSON_API);
  const acceptWithParams = accepts.some((a) => a.startsWith(`${JSON_API};`));
  if (!acceptPlain && acceptWithParams) {
    return new ApiError(
      406,
      'not acceptable http exception',
      'The "Accept" request header should contain JSON:API media type without any parameters.',
    );
  }
  const acceptAny = accepts.some((a) => a === '*/*' || a === 'application/*' || a === '');
  if (ctJsonApi && !acceptPlain && !acceptAny) {
    return new ApiError(
      406,
      'not acceptable http exception',
      'The "Accept" request header does not accept JSON:API response.',
    );
  }
  if ((req.method === 'POST' || req.method === 'PATCH') && !ctJsonApi) {
    return new ApiError(
      415,
      'unsupported media type http exception',
      'The "Content-Type" request header should be "application/vnd.api+json".',
    );
  }
  if (!ctJsonApi && !acceptPlain) {
    // Real Oro would answer with its plain (non-JSON:API) REST API; the sandbox refuses, so that a
    // client forgetting the Accept header notices (documented in docs/oro.md).
    return new ApiError(
      406,
      'not acceptable http exception',
      'The sandbox serves only the JSON:API; send "Accept: application/vnd.api+json".',
    );
  }
  return null;
}

export function handleApi(s: ApiState, req: ApiRequest): ApiAnswer {
  const mediaProblem = checkMediaTypes(req);
  if (mediaProblem) throw mediaProblem;
  const segments = req.path.slice(s.apiPath.length).split('/').map(decodeURIComponent);
  const type = segments[0] ?? '';
  const def = s.defs.get(type);
  if (!def) throw new ApiError(404, 'not found http exception', 'The requested resource was not found.');
  const xInclude = (req.headers['x-include'] ?? '').split(';').map((v) => v.trim());
  const ctx: DocContext = {
    base: s.base,
    hateoas: !xInclude.includes('noHateoas'),
    fields: new Map(),
    cap: relatedCap(s.profile),
    hidden: s.forbidden,
  };
  const totalCount = xInclude.includes('totalCount');
  const lookup = (t: string, i: string) => s.store.get(t, i);
  const allowed = (methods: string[]): never => {
    throw Object.assign(new ApiError(405, 'action not allowed exception', 'The action is not allowed.'), {
      allow: methods.join(', '),
    });
  };

  if (segments.length === 1) {
    if (req.method === 'POST' && def.create) {
      const rec = createTracking(s.store, req.body, s.profile, s.nowText(), (t, i) =>
        s.forbidden.has(`${t}:${i}`),
      );
      const location = `${s.base}/${rec.type}/${rec.id}`;
      return { status: 201, headers: { Location: location }, body: singleDocument(rec, [], ctx) };
    }
    if (req.method !== 'GET') allowed(def.create ? ['GET', 'POST'] : ['GET']);
    const q = parseQuery(req.query, def, lookup);
    ctx.fields = q.fields;
    const max = s.maxResults?.[type];
    // oroinc/platform src/Oro/Bundle/ApiBundle/Processor/Shared/ValidatePaging.php @6.1.0
    // (Constraint::FILTER, "filter constraint").
    if (max !== undefined && (q.pageSize > max || q.pageSize === -1))
      throw new ApiError(400, 'filter constraint', `The value should be less than or equals to ${max}.`, {
        parameter: 'page[size]',
      });
    return listAnswer(s, def, { type }, q, ctx, `${s.base}/${type}`, totalCount);
  }
  const id = segments[1]!;
  const rec = s.store.get(type, id);
  // A record outside the role's access level (oroinc/orocommerce
  // src/Oro/Bundle/OrderBundle/Tests/Functional/Api/RestJsonApi/OrderShippingTrackingTest.php @6.1.0).
  if (rec && s.forbidden.has(`${type}:${id}`) && ['GET', 'PATCH', 'DELETE'].includes(req.method)) {
    throw new ApiError(403, 'access denied exception', 'No access to the entity.');
  }
  if (segments.length === 2) {
    if (req.method === 'PATCH' && def.update) {
      const updated =
        type === 'customers'
          ? patchCustomer(s.store, id, req.body, s.customFields, s.nowText(), s.profile)
          : patchResource(s.store, type, id, req.body, s.resourceFields?.[type] ?? {}, s.nowText());
      return { status: 200, headers: {}, body: singleDocument(updated, [], ctx) };
    }
    if (req.method !== 'GET') allowed(def.update ? ['GET', 'PATCH'] : ['GET']);
    if (!rec) throw notFound();
    const q = parseQuery(req.query, def, lookup);
    ctx.fields = q.fields;
    const included = collectIncluded(s.store, s.defs, [rec], q.include, ctx);
    return {
      status: 200,
      headers: {},
      body: singleDocument(rec, included, ctx),
      records: 1 + included.length,
    };
  }
  if (req.method !== 'GET') allowed(['GET']);
  if (!rec) throw notFound();
  const relationshipsEndpoint = segments[2] === 'relationships' && segments.length === 4;
  const relName = relationshipsEndpoint ? segments[3]! : segments[2]!;
  const relDef = def.relationships[relName];
  if (!relDef || (!relationshipsEndpoint && segments.length !== 3)) {
    throw new ApiError(404, 'not found http exception', 'The requested resource was not found.');
  }
  const data = rec.relationships[relName] ?? (relDef.many ? [] : null);
  const self = `${s.base}/${type}/${id}`;
  if (relationshipsEndpoint) {
    const url = `${self}/relationships/${relName}`;
    if (!Array.isArray(data)) {
      const links = ctx.hateoas ? { self: url, related: `${self}/${relName}` } : undefined;
      return { status: 200, headers: {}, body: JSON.stringify({ data, ...(links ? { links } : {}) }) };
    }
    // A to-many relationship endpoint is a paged list (oro_api.set_default_paging is tagged for
    // get_relationship, collection: oroinc/platform
    // src/Oro/Bundle/ApiBundle/Resources/config/processors.shared.yml @6.0.10): 10 ids by default.
    const q = parseQuery(req.query, { ...def, filters: {}, sorters: ['id'], relationships: {} }, lookup);
    const from = q.pageSize === -1 ? 0 : (q.pageNumber - 1) * q.pageSize;
    const ids = q.pageSize === -1 ? data : data.slice(from, from + q.pageSize);
    const more = q.pageSize !== -1 && data.length > from + q.pageSize;
    const links = ctx.hateoas
      ? {
          ...collectionLinks(url, q.carried, q.pageSize === -1 ? 1 : q.pageNumber, more),
          related: `${self}/${relName}`,
        }
      : undefined;
    return { status: 200, headers: {}, body: JSON.stringify({ data: ids, ...(links ? { links } : {}) }) };
  }
  const targetDef = s.defs.get(relDef.type);
  if (!targetDef)
    throw new ApiError(404, 'not found http exception', 'The requested resource was not found.');
  const q = parseQuery(req.query, targetDef, lookup);
  ctx.fields = q.fields;
  if (!relDef.many) {
    const target = data && !Array.isArray(data) ? s.store.get(data.type, data.id) : undefined;
    if (!target) return { status: 200, headers: {}, body: '{"data":null}', records: 0 };
    const included = collectIncluded(s.store, s.defs, [target], q.include, ctx);
    return {
      status: 200,
      headers: {},
      body: singleDocument(target, included, ctx),
      records: 1 + included.length,
    };
  }
  const related = (Array.isArray(data) ? data : [])
    .map((r) => s.store.get(r.type, r.id))
    .filter((r): r is Rec => !!r);
  return listAnswer(s, targetDef, { rows: related }, q, ctx, `${self}/${relName}`, totalCount);
}

function listAnswer(
  s: ApiState,
  def: ResourceDef,
  source: { type: string } | { rows: Rec[] },
  q: ReturnType<typeof parseQuery>,
  ctx: DocContext,
  url: string,
  totalCount: boolean,
): ApiAnswer {
  const byIdAsc = !def.stringIds && q.sort.length === 1 && q.sort[0]!.field === 'id' && !q.sort[0]!.desc;
  const compare = byIdAsc ? (a: Rec, b: Rec) => a.num - b.num : comparator(q.sort);
  let ordered: Rec[];
  if ('type' in source) {
    const key = q.sort.map((x) => (x.desc ? `-${x.field}` : x.field)).join(',');
    ordered = s.store.sortedRows(source.type, key, compare);
  } else {
    ordered = [...source.rows].sort(compare);
  }
  // Rows are already in order: filter until the page (plus one, for `next`) is complete,
  // unless the total count was asked for (docs/oro.md: it costs Oro a COUNT query too).
  const from = q.pageSize === -1 ? 0 : (q.pageNumber - 1) * q.pageSize;
  const want = q.pageSize === -1 || totalCount ? Infinity : from + q.pageSize + 1;
  const matched: Rec[] = [];
  const filters = q.filters;
  const first = q.sort[0];
  const bound = first && !first.desc ? q.lowerBounds.get(first.field) : undefined;
  const start = bound ? firstAtOrAbove(ordered, first!.field, bound) : 0;
  // Lists leave out what the role may not see (ACL-protected queries), they do not answer 403.
  const hidden = s.forbidden.size > 0 ? s.forbidden : null;
  for (let i = start; i < ordered.length && matched.length < want; i++) {
    const r = ordered[i]!;
    let ok = hidden === null || !hidden.has(`${r.type}:${r.id}`);
    for (const f of filters) {
      if (!f(r)) {
        ok = false;
        break;
      }
    }
    if (ok) matched.push(r);
  }
  let page = matched;
  let hasMore = false;
  if (q.pageSize !== -1) {
    page = matched.slice(from, from + q.pageSize);
    hasMore = matched.length > from + q.pageSize;
  }
  const included = collectIncluded(s.store, s.defs, page, q.include, ctx);
  const links = ctx.hateoas
    ? collectionLinks(url, q.carried, q.pageSize === -1 ? 1 : q.pageNumber, hasMore)
    : undefined;
  const headers: Record<string, string> = totalCount
    ? { 'X-Include-Total-Count': String(matched.length) }
    : {};
  return {
    status: 200,
    headers,
    body: collectionDocument(page, included, ctx, links),
    records: page.length + included.length,
  };
}
