/**
 * startSandbox(): the Oro sandbox server (plain node:http on 127.0.0.1, a free port by default).
 * Behaviour, with the Oro source of each fact, and usage: docs/oro.md.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi, type ApiState } from './api.js';
import { TokenIssuer } from './auth.js';
import { ApiError } from './errors.js';
import { oroDateTime } from './format.js';
import { addCustomer, addOrder, addSplitOrder, generate, type GenContext } from './generator.js';
import { addProduct, generateProducts } from './products.js';
import { profileOf } from './profile.js';
import { createRng, int } from './random.js';
import { resourceDefs } from './resources.js';
import { DataStore } from './store.js';
import { FaultInjector } from './faults.js';
import type {
  Faults,
  RecordedRequest,
  Sandbox,
  SandboxOptions,
  SandboxResource,
  SeedOptions,
} from './types.js';

export type { Sandbox, SandboxOptions, SeedOptions, Faults, RecordedRequest } from './types.js';

/** What Symfony's error page says to a 404 outside the API's own error handling. */
const NOT_FOUND_PAGE =
  '<!DOCTYPE html><html><head><title>Not Found</title></head><body>Not Found</body></html>';

const DEFAULT_CLIENTS = [{ clientId: 'sagesync', clientSecret: 'sandbox-secret' }];

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const version = options.apiVersion ?? '6.1';
  const profile = profileOf(version);
  const now = options.now ?? Date.now;
  const store = new DataStore();
  const defs = resourceDefs(profile);
  // `web_backend_prefix` (oroinc/customer-portal OroFrontendExtension.php): `/admin` unless the
  // Oro instance set another.
  const apiPath = `${(options.backendPrefix ?? '/admin').replace(/\/+$/, '')}/api/`;
  let webApi = options.webApi ?? true;
  const customFields = options.customCustomerFields ?? { creditLimit: 'money' as const };
  const issuer = new TokenIssuer(options.clients ?? DEFAULT_CLIENTS, now);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const record = options.recordRequests ?? true;
  const gen: GenContext = {
    store,
    rng: createRng(1),
    profile,
    customFields,
    base: '',
    longStrings: false,
    nullRate: 0.1,
  };
  const state: ApiState = {
    store,
    defs,
    profile,
    apiPath,
    forbidden: new Set(options.forbidden ?? []),
    customFields,
    resourceFields: options.customResourceFields ?? {},
    base: '',
    nowText: () => oroDateTime(now()),
    ...(options.maxResults ? { maxResults: options.maxResults } : {}),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void serve(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.keepAliveTimeout = 30_000;

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    const query = q === -1 ? '' : raw.slice(q + 1);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      const value = Array.isArray(v) ? v.join(', ') : v;
      headers[k] = k === 'authorization' ? value.replace(/^(\w+)\s.*$/, '$1 ***') : value;
    }
    const entry: RecordedRequest = { method: req.method ?? 'GET', path, query, headers, body, status: 0 };
    if (record) requests.push(entry);
    const send = (
      status: number,
      text: string,
      extra: Record<string, string> = {},
      type = 'application/vnd.api+json',
    ): void => {
      entry.status = status;
      const h: Record<string, string | number> = { ...extra };
      if (text !== '') h['Content-Type'] = type;
      const buf = Buffer.from(text, 'utf8'); // encoded once: pages are about a megabyte
      h['Content-Length'] = buf.length;
      res.writeHead(status, h);
      res.end(buf);
    };
    const isToken = path === '/oauth2-token';
    if (!isToken || faults.current.onTokenEndpoint) {
      const injected = await faults.apply(req.socket);
      if (injected === 'reset') {
        entry.status = -1;
        return;
      }
      if (injected) {
        send(
          injected.status,
          injected.body,
          injected.headers,
          isToken ? 'application/json' : 'application/vnd.api+json',
        );
        return;
      }
    }
    try {
      if (isToken) {
        if (req.method !== 'POST') return send(405, '', { Allow: 'POST, OPTIONS' });
        const answer = issuer.issue(headers['content-type'] ?? '', req.headers.authorization, body);
        return send(
          answer.status,
          answer.body,
          {},
          answer.status === 200 ? 'application/json; charset=UTF-8' : 'application/json',
        );
      }
      // The Web API feature switched off: every API request is a 404 from the firewall, before
      // any JSON:API processing (oroinc/platform src/Oro/Bundle/ApiBundle/Security/Http/Firewall/FeatureAccessListener.php @6.1.0).
      if (!path.startsWith(apiPath) || !webApi)
        return send(404, NOT_FOUND_PAGE, {}, 'text/html; charset=UTF-8');
      // Wrong, expired or revoked bearer token: 401 with an empty body (docs/oro.md).
      if (!issuer.valid(req.headers.authorization))
        return send(
          401,
          '',
          req.headers.authorization ? {} : { 'WWW-Authenticate': 'Basic realm="Oro API"' },
        );
      const answer = handleApi(state, {
        method: entry.method,
        path,
        query,
        headers: req.headers as Record<string, string | undefined>,
        body,
      });
      if (answer.records !== undefined) entry.records = answer.records;
      const perRecord = faults.current.perRecordMs;
      if (perRecord && answer.records) {
        // A sparse fieldset (fields[type]=…) costs Oro a quarter: no hydration of the rest.
        const sparse = /(^|&)fields(\[|%5B)/i.test(query);
        entry.recordCostMs = answer.records * perRecord * (sparse ? 0.25 : 1);
        await new Promise((r) => setTimeout(r, entry.recordCostMs));
      }
      send(answer.status, answer.body, answer.headers);
    } catch (err) {
      if (err instanceof ApiError) {
        const allow = (err as ApiError & { allow?: string }).allow;
        return send(err.status, err.body(), allow ? { Allow: allow } : {});
      }
      const e = new ApiError(500, 'runtime exception', err instanceof Error ? err.message : String(err));
      send(500, e.body());
    }
  }

  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address}:${addr.port}`;
  state.base = `${url}${apiPath.slice(0, -1)}`;
  gen.base = state.base;

  const view = (type: string, id: string): SandboxResource | undefined => {
    const r = store.get(type, id);
    return r
      ? { type: r.type, id: r.id, attributes: { ...r.attributes }, relationships: { ...r.relationships } }
      : undefined;
  };
  const at = (iso?: string): number => (iso === undefined ? now() : Date.parse(iso));
  const change = (
    type: string,
    id: string,
    c: { attributes?: Record<string, unknown>; updatedAt?: string } = {},
  ): void => {
    const r = store.get(type, id);
    if (!r) throw new Error(`sandbox: no ${type} ${id}`);
    Object.assign(r.attributes, c.attributes, { updatedAt: oroDateTime(at(c.updatedAt)) });
    store.changed(r);
  };

  const sandbox: Sandbox = {
    url,
    apiVersion: version,
    requests,
    seed(o: SeedOptions = {}) {
      store.clear();
      gen.rng = createRng(o.seed ?? 1);
      gen.longStrings = o.longStrings ?? false;
      gen.nullRate = o.nullRate ?? 0.1;
      generate(gen, o);
      if (o.products)
        generateProducts(store, gen.rng, o.products, Date.parse(o.start ?? '2025-01-06T08:00:00Z'));
    },
    addOrder(o = {}) {
      const lines = o.lines ?? int(gen.rng, 1, 20);
      return addOrder(gen, {
        at: at(o.updatedAt),
        lines,
        ...(o.customerId ? { customerId: o.customerId } : {}),
        ...(o.attributes ? { attributes: o.attributes } : {}),
        ...(o.kitLines ? { kitLines: o.kitLines } : {}),
      }).id;
    },
    addSplitOrder(o) {
      const { main, subs } = addSplitOrder(gen, {
        at: at(o.updatedAt),
        subOrdersAt: at(o.subOrdersUpdatedAt ?? o.updatedAt),
        groups: o.groups,
        ...(o.customerId ? { customerId: o.customerId } : {}),
      });
      return { main: main.id, subs: subs.map((r) => r.id) };
    },
    updateOrder: (id, c) => change('orders', id, c),
    addCustomer(o = {}) {
      return addCustomer(gen, { at: at(o.updatedAt), ...o }).id;
    },
    updateCustomer: (id, c) => change('customers', id, c),
    addProduct(o = {}) {
      const { updatedAt, ...rest } = o;
      return addProduct(store, gen.rng, { at: at(updatedAt), ...rest }).id;
    },
    updateResource: (type, id, c) => change(type, id, c),
    relate(type, id, relationship, target) {
      const r = store.get(type, id);
      if (!r) throw new Error(`sandbox: no ${type} ${id}`);
      r.relationships[relationship] = target;
      store.changed(r);
    },
    resource: (type, id) => view(type, id),
    customer: (id) => view('customers', id),
    order: (id) => view('orders', id),
    all: (type) => Array.from(store.table(type).values(), (r) => view(type, r.id)!),
    trackings(orderId) {
      const refs = store.get('orders', orderId)?.relationships['shippingTrackings'];
      return (Array.isArray(refs) ? refs : []).flatMap((ref) => {
        const t = store.get('ordershippingtrackings', ref.id);
        return t
          ? [{ id: t.id, method: String(t.attributes['method']), number: String(t.attributes['number']) }]
          : [];
      });
    },
    setFaults(f: Faults) {
      faults.set(f);
      if (f.tokenLifetimeSeconds !== undefined) issuer.lifetimeSeconds = f.tokenLifetimeSeconds;
    },
    revokeTokens: () => issuer.revokeAll(),
    setForbidden(keys) {
      state.forbidden = new Set(keys);
    },
    setWebApi(on) {
      webApi = on;
    },
    async close() {
      faults.set({});
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  if (options.faults) sandbox.setFaults(options.faults);
  if (options.seed !== false) sandbox.seed(options.seed ?? { orders: 20 });
  return sandbox;
}
