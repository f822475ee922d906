/**
 * The Oro sandbox: an in-process HTTP server that behaves like the OroCommerce back-office
 * JSON:API as described in docs/oro.md, for tests, the demo and the
 * benchmarks. Entry point: startSandbox() in tools/sandbox/index.ts.
 */
import type { SandboxApiVersion } from './profile.js';
/** Custom customer attribute types (docs/oro.md). */
export type CustomFieldType = 'money' | 'decimal' | 'string' | 'integer' | 'boolean';

export interface SeedOptions {
  /** PRNG seed: the same seed and sizes give the same data. Default 1. */
  seed?: number;
  orders?: number;
  /** Default: max(3, orders / 5). */
  customers?: number;
  /** Line items per order, inclusive range. Default [1, 20]. */
  linesPerOrder?: [number, number];
  /** How many consecutive orders share one `updatedAt` (equal timestamps across page boundaries). Default 3. */
  sameUpdatedAt?: number;
  /** Adds overlong strings (notes of several KB, names of 300+ chars). Default false. */
  longStrings?: boolean;
  /** Share of orders without customer user / without addresses. Default 0.1. */
  nullRate?: number;
  /** `updatedAt` of the first generated order (ISO). Default 2025-01-06T08:00:00Z. */
  start?: string;
  /** Products (tools/sandbox/products.ts), generated after everything else. Default 0. */
  products?: number;
  /**
   * Orders of 100–250 lines, added after the others (the to-many cap: src/oro/to-many.ts).
   * Default 0.
   */
  bigOrders?: number;
}

export interface Faults {
  /** Probability per status, e.g. `{ 500: 0.05, 503: 0.05, 429: 0.02 }`, drawn per API request. */
  errorRate?: Record<number, number>;
  /** `Retry-After` seconds sent with injected 429 and 503. Default 1. */
  retryAfterSeconds?: number;
  /** Added to every request (ms); a change of the faults ends the waits in progress. */
  latencyMs?: number;
  /**
   * Added per resource an answer serves (`data` and `included`), after it is built: the cost of
   * Doctrine hydration and serialisation that makes a real Oro page of 100 orders with its
   * includes take seconds. A quarter of it when the request names a sparse fieldset
   * (`fields[type]=…`). With `latencyMs`: an Oro answering in 300 ms + 1 ms per record.
   */
  perRecordMs?: number;
  /** Probability of destroying the socket without an answer. */
  resetRate?: number;
  /** Lifetime of issued tokens; existing tokens keep theirs. */
  tokenLifetimeSeconds?: number;
  /** The next `count` API requests answer 429 (or `status`) with `Retry-After`. */
  burst429?: { count: number; retryAfterSeconds?: number; status?: 429 | 503 };
  /** Also apply errorRate/resetRate/latency to the token endpoint. Default false. */
  onTokenEndpoint?: boolean;
}

export interface SandboxOptions {
  /** Default 0 (a free port). Always bound to 127.0.0.1 unless `host` says otherwise. */
  port?: number;
  host?: string;
  /** Oro release to behave as (tools/sandbox/profile.ts); default `6.1` (the newest 6.1). */
  apiVersion?: SandboxApiVersion;
  /** Oro's `web_backend_prefix`; default `/admin` (the API is under `{prefix}/api/`). */
  backendPrefix?: string;
  /** The Web API feature; default on. Off: every API request is a 404. */
  webApi?: boolean;
  /** `type:id` of records the API user may not see: 403 on GET/PATCH/POST, left out of lists. */
  forbidden?: string[];
  clients?: { clientId: string; clientSecret: string }[];
  /** Custom customer fields accepted by PATCH; default `{ creditLimit: 'money' }`. */
  customCustomerFields?: Record<string, CustomFieldType>;
  /** Custom fields accepted by PATCH on other types, e.g. `{ customerusers: { erp_rating: 'decimal' } }`. */
  customResourceFields?: Record<string, Record<string, CustomFieldType>>;
  /** Initial data; default a small data set (`{ orders: 20 }`). `false`: empty. */
  seed?: SeedOptions | false;
  faults?: Faults;
  /**
   * A resource's `max_results` (e.g. `{ orders: 1000 }`): a larger `page[size]` is a 400 "The
   * value should be less than or equals to N." (oroinc/platform ValidatePaging.php). Default: none,
   * as in Oro.
   */
  maxResults?: Record<string, number>;
  /** Record every request in `requests` (default true; the bench turns it off). */
  recordRequests?: boolean;
  /** Clock for `updatedAt` of changes and token expiry. Default Date.now. */
  now?: () => number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  /** Lower-case names; `authorization` masked. */
  headers: Record<string, string>;
  body: string;
  status: number;
  /** Resources served (`data` + `included`); 0 for errors and writes. */
  records?: number;
  /** The delay `perRecordMs` added to this answer (ms). */
  recordCostMs?: number;
}

export interface SandboxResource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, { type: string; id: string } | { type: string; id: string }[] | null>;
}

interface OrderChange {
  attributes?: Record<string, unknown>;
  /** The new `updatedAt` (ISO); default: now. */
  updatedAt?: string;
}

export interface Sandbox {
  url: string;
  apiVersion: SandboxApiVersion;
  requests: RecordedRequest[];
  /** Replaces all data with a generated data set. */
  seed(options?: SeedOptions): void;
  /** Adds a generated order (with lines and addresses) to an existing customer; returns its id. */
  addOrder(options?: {
    customerId?: string;
    lines?: number;
    updatedAt?: string;
    attributes?: Record<string, unknown>;
    /** The first `kitLines` lines are product kits with 2–3 components each. */
    kitLines?: number;
  }): string;
  /**
   * A main order with one sub-order per group (`groups`: lines per sub-order), as multi-shipping
   * checkout creates them; `subOrdersUpdatedAt` lets a test read the parent before or after them.
   */
  addSplitOrder(options: {
    groups: number[];
    customerId?: string;
    updatedAt?: string;
    subOrdersUpdatedAt?: string;
  }): { main: string; subs: string[] };
  updateOrder(id: string, change?: OrderChange): void;
  addCustomer(options?: {
    name?: string;
    parentId?: string;
    updatedAt?: string;
    attributes?: Record<string, unknown>;
  }): string;
  updateCustomer(id: string, change?: OrderChange): void;
  /** Adds a product (with its name, unit precision and inventory status); returns its id. */
  addProduct(options?: {
    sku?: string;
    name?: string;
    status?: 'enabled' | 'disabled';
    unit?: string;
    precision?: number;
    inventoryStatus?: string;
    updatedAt?: string;
    attributes?: Record<string, unknown>;
  }): string;
  /** Changes attributes of any stored resource and sets its `updatedAt` (default: now). */
  updateResource(type: string, id: string, change?: OrderChange): void;
  /** Points a to-one relationship of a stored resource elsewhere (`updatedAt` unchanged unless given). */
  relate(type: string, id: string, relationship: string, target: { type: string; id: string } | null): void;
  /** A stored resource of any type. */
  resource(type: string, id: string): SandboxResource | undefined;
  customer(id: string): SandboxResource | undefined;
  order(id: string): SandboxResource | undefined;
  /** Every stored resource of a type in id order (tests). */
  all(type: string): SandboxResource[];
  trackings(orderId: string): { id: string; method: string; number: string }[];
  setFaults(faults: Faults): void;
  /** Every token issued so far becomes invalid (the next API call gets 401). */
  revokeTokens(): void;
  /** Replaces the per-record ACL (`type:id` keys the API user may not see). */
  setForbidden(keys: string[]): void;
  /** Switches the Web API feature on or off. */
  setWebApi(on: boolean): void;
  close(): Promise<void>;
}
