/**
 * The Oro Admin API client as the jobs see it. Implementation: src/oro/client.ts.
 * Wire facts: docs/oro.md.
 */
export interface ResourceIdentifier {
  type: string;
  id: string;
}

export interface JsonApiResource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, { data: ResourceIdentifier | ResourceIdentifier[] | null }>;
}

/**
 * One page of a listing with its `included` resources indexed by `type:id`. Once handed out, a
 * page is the caller's: the reader decides what to read next before, and never looks at it again.
 */
export interface Page {
  data: JsonApiResource[];
  included: Map<string, JsonApiResource>;
  /**
   * For incremental reads: the `updatedAt` up to which every record has now been yielded.
   * Storing it as the cursor after this page's records are committed loses nothing.
   */
  watermark?: string;
  /**
   * Incremental reads: records left out of `data` because their `updatedAt` is not a date
   * (the cursor cannot be moved by them). The job quarantines them.
   */
  rejected?: { id: string; reason: string }[];
  /**
   * Incremental reads: records of `data` whose `updatedAt` lies further ahead of this machine's
   * clock than the tolerance. They are read, but the watermark does not move past now.
   */
  future?: { id: string; updatedAt: string }[];
}

/** A filter value as sent: `filter[field]=v` or `filter[field][op]=v`. */
export type QueryFilter = Record<
  string,
  string | { op: 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'exists'; value: string }
>;

export interface ListQuery {
  filter?: QueryFilter;
  sort?: string;
  include?: string[];
  fields?: Record<string, string[]>;
  pageSize?: number;
  /**
   * false: ask Oro to leave out the HATEOAS links (`X-Include: noHateoas`, oroinc/platform
   * src/Oro/Bundle/ApiBundle/Processor/Shared/NormalizeIncludeHeader.php). The
   * body is then about half the size, quicker to parse and lighter to keep; pages go by number
   * until one comes back short. Default true: follow `links.next`.
   */
  links?: boolean;
  /**
   * Send no `page[size]`/`page[number]`: for resources with paging disabled (the order status
   * lists answer paging parameters with a 400, oroinc/platform GetWithFiltersTest.php @6.1.0).
   * Pages the server makes anyway are
   * followed by `links.next`, so keep `links` on.
   */
  unpaged?: boolean;
}

export interface IncrementalQuery {
  /** Cursor from the previous run (an `updatedAt` value), or null to read everything. */
  since: string | null;
  /** Re-read this many seconds before `since` (late commits). */
  overlapSeconds: number;
  include?: string[];
  /**
   * A sparse fieldset, e.g. `{ orders: ['updatedAt'] }`: ids and `updatedAt` only, so that a
   * page of thousands costs Oro little (Oro's docs, api/filters.rst). With it, `pageSize` may be
   * large: a
   * resource whose `max_results` refuses it (400 "less than or equals to N", ValidatePaging.php) is
   * read N at a time instead.
   */
  fields?: Record<string, string[]>;
  filter?: QueryFilter;
  pageSize?: number;
}

/** An order with the resources the jobs need resolved from `included`. */
export interface OroOrder {
  order: JsonApiResource;
  lineItems: JsonApiResource[];
  billingAddress: JsonApiResource | null;
  shippingAddress: JsonApiResource | null;
  customer: JsonApiResource | null;
  customerUser: JsonApiResource | null;
  /** Every included resource of the page, for custom-attribute paths such as `customer.group`. */
  included: Map<string, JsonApiResource>;
}

export type OroApiVersion = '6.0' | '6.1';

/** A time budget and the clock it is read on (src/jobs/runner.ts passes its injected clock). */
export interface Deadline {
  /** Epoch ms on `now`'s clock. */
  at: number;
  now: () => number;
}

export interface OroClient {
  /** `oro.apiVersion` when configured, else detected once from the server. */
  apiVersion(): Promise<OroApiVersion>;
  /** Follows `links.next` page by page; never holds the whole collection. */
  list(resource: string, query?: ListQuery): AsyncIterable<Page>;
  /** Incremental read by `updatedAt` (see IncrementalQuery); pages carry a `watermark`. */
  readIncremental(resource: string, query: IncrementalQuery): AsyncIterable<Page>;
  /**
   * The records with these ids (as many as one page of the resource may hold), in one
   * request without following links; records Oro no longer has (or hides) are simply absent.
   */
  readByIds(resource: string, ids: readonly string[], query?: { include?: string[] }): Promise<Page>;
  get(
    resource: string,
    id: string,
    query?: { include?: string[] },
  ): Promise<{ data: JsonApiResource; included: Map<string, JsonApiResource> }>;
  /** PATCH attributes of one resource; returns the updated resource. */
  patch(resource: string, id: string, attributes: Record<string, unknown>): Promise<JsonApiResource>;
  create(
    resource: string,
    attributes: Record<string, unknown>,
    relationships?: Record<string, { data: ResourceIdentifier | ResourceIdentifier[] }>,
  ): Promise<JsonApiResource>;
  /** Existing shipping trackings of an order (method, number). */
  orderTrackings(orderId: string): Promise<{ id: string; method: string; number: string }[]>;
  /** Creates a tracking with the relationship shape of the API version. */
  createTracking(orderId: string, method: string, number: string): Promise<JsonApiResource>;
  /** Resolves orders of a page (include lineItems, billingAddress, shippingAddress, customer, customerUser). */
  resolveOrders(page: Page): OroOrder[];
  /**
   * Reads every line of the orders whose `lineItems` may have been cut at the to-many cap
   * (src/oro/to-many.ts) and puts them in place; the number of orders read again.
   */
  completeOrders(orders: readonly OroOrder[]): Promise<number>;
  /**
   * The run's time budget: once `deadline.now()` reaches `deadline.at`, no request starts (one
   * then throws TimeBudgetSpentError, and the job stops there). The clock comes with it, so the
   * client reads the budget on the runner's injected clock. Undefined: no budget.
   */
  setDeadline?(deadline: Deadline | undefined): void;
  /**
   * The run's stop signal (SIGTERM, SIGINT, SIGHUP): it ends a wait before a retry (backoff,
   * Retry-After) at once, and no retry starts after it: the request throws StopSignalError. A
   * request already sent is not cut; its answer is awaited.
   */
  setStop?(stop: AbortSignal | undefined): void;
  close(): Promise<void>;
}
