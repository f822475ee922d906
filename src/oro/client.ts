/**
 * createOroClient: the Oro Admin API client (interface in src/oro/types.ts).
 * Wire facts: docs/oro.md. Every exchange goes through
 * src/oro/transport.ts; retries and classification through src/oro/api.ts.
 */
import type { Config } from '../config/schema.js';
import { readCaFile } from '../config/ca-file.js';
import type { CommunicationObserver, Logger } from '../log/types.js';
import { createCall, type Call } from './api.js';
import { TokenSource } from './auth.js';
import { OroRecordError } from './errors.js';
import { normalizeResource, indexIncluded, buildQuery, type JsonApiDocument } from './query.js';
import { listPages, readIncrementalPages } from './reading.js';
import { byIdReader } from './by-ids.js';
import { resolveOrders } from './resolve.js';
import { completeLineItems, maybeCut } from './to-many.js';
import { createTransport, type DeadlineTimer } from './transport.js';
import { pause } from '../stop-wait.js';
import type {
  Deadline,
  JsonApiResource,
  OroApiVersion,
  OroClient,
  OroOrder,
  ResourceIdentifier,
} from './types.js';

export interface OroClientOptions {
  logger?: Logger;
  onHttp?: CommunicationObserver;
  /** Injected so tests can skip real waiting between retries; ends early when `stop` is aborted. */
  sleep?: (ms: number, stop?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** The per-request deadline's timer (oro.timeoutMs); tests inject one they fire themselves. */
  timer?: DeadlineTimer;
}

const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} };

export function createOroClient(config: Config, opts: OroClientOptions = {}): OroClient {
  const oro = config.oro;
  const root = oro.url.replace(/\/+$/, '');
  const logger = opts.logger ?? silent;
  const sleep = opts.sleep ?? pause;
  const random = opts.random ?? Math.random;
  // The transport masks tokens the token source issues; the token source needs the transport.
  const issued: { tokens: readonly string[] } = { tokens: [] };
  let deadline: Deadline | undefined;
  let stop: AbortSignal | undefined;
  const now = opts.now ?? Date.now;
  const transport = createTransport({
    ...(oro.tls.caFile
      ? { ca: { file: oro.tls.caFile, pem: readCaFile('oro.tls.caFile', oro.tls.caFile) } }
      : {}),
    timeoutMs: oro.timeoutMs,
    maxResponseBytes: oro.maxResponseBytes,
    ...(opts.onHttp ? { onHttp: opts.onHttp } : {}),
    secrets: () => [oro.clientSecret, ...issued.tokens],
    ...(opts.timer ? { timer: opts.timer } : {}),
  });
  const tokens = new TokenSource({
    url: root,
    clientId: oro.clientId,
    clientSecret: oro.clientSecret,
    maxRetries: oro.maxRetries,
    transport,
    logger,
    sleep,
    random,
    now,
    stop: () => stop,
  });
  issued.tokens = tokens.issued;
  const call: Call = createCall({
    apiBase: `${root}${oro.apiPath}/`,
    clientId: oro.clientId,
    maxRetries: oro.maxRetries,
    transport,
    tokens,
    logger,
    sleep,
    random,
    deadline: () => deadline,
    stop: () => stop,
    now,
  });
  const reading = { call, maxPages: oro.maxPagesPerRead, now };

  let version: Promise<OroApiVersion> | undefined = oro.apiVersion
    ? Promise.resolve(oro.apiVersion)
    : undefined;

  const dataOf = (body: unknown): JsonApiResource => normalizeResource((body as JsonApiDocument).data);

  async function trackings(orderId: string): Promise<JsonApiResource[]> {
    const out: JsonApiResource[] = [];
    // The subresource exists on every version (docs/oro.md), unlike the `order`/`orders` filter.
    for await (const page of listPages(
      reading,
      `orders/${encodeURIComponent(orderId)}/shippingTrackings`,
      {},
      100,
    )) {
      out.push(...page.data);
    }
    return out;
  }

  const client: OroClient = {
    apiVersion() {
      version ??= detectVersion(call).catch((err: unknown) => {
        version = undefined;
        throw err;
      });
      return version;
    },
    list: (resource, query = {}) => listPages(reading, resource, query, oro.pageSize),
    readIncremental: (resource, query) => readIncrementalPages(reading, resource, query, oro.pageSize),
    readByIds: byIdReader(call),
    setDeadline(at) {
      deadline = at;
    },
    setStop(signal) {
      stop = signal;
    },
    async get(resource, id, query = {}) {
      const res = await call(
        'GET',
        `${resource}/${encodeURIComponent(id)}${buildQuery({ include: query.include })}`,
      );
      return { data: dataOf(res.body), included: indexIncluded((res.body as JsonApiDocument).included) };
    },
    async patch(resource, id, attributes) {
      const body = { data: { type: resource, id: String(id), attributes } };
      const res = await call('PATCH', `${resource}/${encodeURIComponent(id)}`, body);
      return dataOf(res.body);
    },
    async create(resource, attributes, relationships) {
      const body = { data: { type: resource, attributes, ...(relationships ? { relationships } : {}) } };
      const res = await call('POST', resource, body);
      return dataOf(res.body);
    },
    async orderTrackings(orderId) {
      return (await trackings(orderId)).map((t) => ({
        id: t.id,
        method: String(t.attributes['method'] ?? ''),
        number: String(t.attributes['number'] ?? ''),
      }));
    },
    async createTracking(orderId, method, number) {
      const v = await client.apiVersion();
      const ref: ResourceIdentifier = { type: 'orders', id: String(orderId) };
      // To-one `order` up to 6.0, to-many `orders` since 6.1 (orocommerce 6.1.0 CHANGELOG.md).
      const relationships = v === '6.0' ? { order: { data: ref } } : { orders: { data: [ref] } };
      const body = {
        data: { type: 'ordershippingtrackings', attributes: { method, number }, relationships },
      };
      const res = await call('POST', 'ordershippingtrackings', body, {
        // After a reset or a 500 the tracking may exist already: look before posting again.
        verify: async () =>
          (await trackings(orderId)).find(
            (t) => t.attributes['method'] === method && t.attributes['number'] === number,
          ),
      });
      return dataOf(res.body);
    },
    resolveOrders,
    async completeOrders(orders) {
      if (!orders.some((o) => maybeCutLines(o))) return 0;
      const link = (await client.apiVersion()) === '6.0' ? 'order' : 'orders';
      return completeLineItems((resource, q) => listPages(reading, resource, q, q.pageSize), link, orders);
    },
    async close() {
      transport.close();
    },
  };
  return client;
}

const maybeCutLines = (o: OroOrder): boolean => maybeCut(o.order.relationships['lineItems']);

/**
 * Oro 6.1 turned order↔line item and order↔tracking into many-to-many (docs/oro.md). A line
 * item shows which: relationship `orders` (6.1+) or `order` (≤6.0). Without any line item, a
 * filter on `orders` is tried: unknown filters are a 400 (docs/oro.md).
 */
async function detectVersion(call: Call): Promise<OroApiVersion> {
  const res = await call('GET', 'orderlineitems?page[size]=1', undefined, { xInclude: ['noHateoas'] });
  const first = ((res.body as JsonApiDocument).data as unknown[] | undefined)?.[0];
  if (first) {
    const rels = normalizeResource(first).relationships;
    if ('orders' in rels) return '6.1';
    if ('order' in rels) return '6.0';
  }
  try {
    await call('GET', 'ordershippingtrackings?filter[orders]=0&page[size]=1', undefined, {
      xInclude: ['noHateoas'],
    });
    return '6.1';
  } catch (err) {
    if (err instanceof OroRecordError && err.status === 400) return '6.0';
    throw err;
  }
}
