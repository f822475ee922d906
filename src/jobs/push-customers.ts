/**
 * `sagesync push-customers`: stages a customer snapshot (reason `change`) when the hash of its
 * watched values (`customers.watch`, default the business columns) differs from the last one
 * staged for that customer; the UNIQUE (oro_customer_id, payload_hash) key is the backstop.
 * The push loop (kit/push-loop.ts) reads, retries and commits; this file says how a page of
 * customers is planned and what a batch writes; ./customer-feed.ts what is read (the changes since
 * the cursor, then a slice of the re-snapshot sweep, `customers.sweepHours`). First it learns X3 customer codes from rows X3 marked DONE; a code claimed by two Oro
 * customers is reported with both ids and not mapped.
 */
import type { JsonApiResource, OroClient, Page } from '../oro/types.js';
import type { Row } from '../staging/store.js';
import { CUSTOMER } from '../staging/tables.js';
import { customerFeed } from './customer-feed.js';
import { runPush, type PageInput, type PushPages, type PushPlan, type PushRun } from './kit/push-loop.js';
import type { ReportBuilder } from './kit/report.js';
import { mapCustomer } from './mapping/customer-snapshot.js';
import { CustomerSource } from './mapping/customer-source.js';
import { ResourceCache } from './mapping/resource-cache.js';
import { decideSnapshots, type MappedRecord } from './mapping/snapshot-decision.js';
import type { JobDeps, JobOptions, JobReport } from './types.js';

export const PUSH_CUSTOMERS = 'push-customers' as const;

export async function pushCustomers(deps: JobDeps, options: JobOptions): Promise<JobReport> {
  return runPush(deps, options, {
    job: PUSH_CUSTOMERS,
    entity: 'customer',
    resource: 'customers',
    stagingIds: true,
    screenIds: (r) => [{ what: 'customer id', id: r.id }],
    // A customer met again in the same run (retry by id, overlap re-read, sweep) is reported once.
    failOnce: true,
    before: async (report) => {
      if (!options.dryRun) await learnCodes(deps, report);
    },
    pages: (oro, run) => customerPages(oro, run),
  });
}

function customerPages(oro: OroClient, run: PushRun): PushPages<Row> {
  const { deps } = run;
  const cache = new ResourceCache(oro, deps.logger);
  const ctx: Ctx = {
    run,
    cache,
    customers: new CustomerSource(oro, cache, deps.logger),
    latestHash: new Map(),
    reason: run.options.ids ? 'manual' : 'change',
  };
  return {
    // The changed customers, then a slice of the re-snapshot sweep (./customer-feed.ts).
    feed: (since) => customerFeed(oro, deps, since),
    // customer-feed.ts writes its states as units commit, in order; keep it at 1 if this changes.
    planAhead: 1,
    batchSize: deps.config.orders.batchSize,
    plan: (input) => planPage(ctx, input),
    writes: (batch) =>
      batch.length > 0
        ? [{ table: CUSTOMER, rows: [...batch], conflictColumns: ['oro_customer_id', 'payload_hash'] }]
        : [],
    counted: CUSTOMER,
    describe: (r) => [
      {
        table: CUSTOMER.name,
        oroCustomerId: r.oro_customer_id,
        name: r.name,
        reason: r.reason,
        payloadHash: r.payload_hash,
      },
    ],
  };
}

interface Ctx {
  run: PushRun;
  cache: ResourceCache;
  customers: CustomerSource;
  latestHash: Map<number, string>;
  reason: 'change' | 'manual';
}

async function learnCodes(deps: JobDeps, report: ReportBuilder): Promise<void> {
  const { learnt, conflicts } = await deps.store.learnCustomerCodes();
  if (learnt.length > 0) deps.logger.info('learnt X3 customer codes', { count: learnt.length });
  for (const c of conflicts) {
    report.fail(
      'customer-code',
      c.code,
      `X3 code ${c.code} is claimed by Oro customers ${c.oroCustomerIds.join(' and ')} ` +
        `(staging row ${c.stagingId}); it was not mapped. Correct the code in X3 for one of them.`,
    );
  }
}

/** Gathers (mapPage) and decides (mapping/snapshot-decision.ts) one page of customers. */
async function planPage(ctx: Ctx, { page, screened }: PageInput): Promise<PushPlan<Row>> {
  const decided = decideSnapshots(await mapPage(ctx, page), ctx.latestHash);
  for (const [id, hash] of decided.hashes) ctx.latestHash.set(id, hash);
  ctx.run.report.counts.skipped += decided.skipped;
  return { ...decided.plan, failures: [...screened, ...decided.plan.failures] };
}

/** The customers of a page as mapped, with their X3 codes; the latest staged hashes learnt. */
async function mapPage(ctx: Ctx, page: Page): Promise<MappedRecord[]> {
  const cfg = ctx.run.deps.config;
  const store = ctx.run.deps.store;
  const given = new Map<string, JsonApiResource>(page.included);
  for (const c of page.data) given.set(`${c.type}:${c.id}`, c);
  const ids = page.data.map((c) => c.id);
  const numeric = ids.map(Number);
  const codes = await store.customerCodes(numeric);
  const unknown = numeric.filter((id) => !ctx.latestHash.has(id));
  for (const [id, h] of await store.lastCustomerHashes(unknown)) ctx.latestHash.set(id, h);
  const prepared = await ctx.customers.load(ids, given);
  const lookup = ctx.cache.lookup(given, prepared.related);
  return ctx.cache.settle(() =>
    ids.map((id): MappedRecord => {
      const c = prepared.customers.get(id);
      if (!c) return { id, row: null, problems: ['not returned by Oro'], missing: [] };
      const m = mapCustomer(c, lookup, {
        reason: ctx.reason,
        erpCustomerCode: codes.get(Number(id)) ?? null,
        customAttributes: cfg.customers.customAttributes,
        watch: cfg.customers.watch,
      });
      return { id, row: m.row, problems: m.problems.map((p) => p.message), missing: m.missing };
    }),
  );
}
