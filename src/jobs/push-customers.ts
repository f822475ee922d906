/**
 * `sagesync push-customers`: stages a customer snapshot (reason `change`) when the hash of its
 * watched values (`customers.watch`, default the business columns) differs from the last one
 * staged for that customer; the UNIQUE (oro_customer_id, payload_hash) key is the backstop.
 * The push loop (kit/push-loop.ts) reads, retries and commits; this file says how a page of
 * customers is planned and what a batch writes. First it learns X3 customer codes from rows X3 marked DONE; a code claimed by two Oro
 * customers is reported with both ids and not mapped.
 */
import type { JsonApiResource, OroClient } from '../oro/types.js';
import type { Row } from '../staging/store.js';
import { CUSTOMER } from '../staging/tables.js';
import { pagesFeed } from './kit/feeds.js';
import { runPush, type PageInput, type PushPages, type PushPlan, type PushRun } from './kit/push-loop.js';
import type { ReportBuilder } from './kit/report.js';
import { mapCustomer } from './mapping/customer-snapshot.js';
import { CustomerSource } from './mapping/customer-source.js';
import { missingProblem, ResourceCache } from './mapping/resource-cache.js';
import type { JobDeps, JobOptions, JobReport } from './types.js';

export const PUSH_CUSTOMERS = 'push-customers' as const;

export async function pushCustomers(deps: JobDeps, options: JobOptions): Promise<JobReport> {
  return runPush(deps, options, {
    job: PUSH_CUSTOMERS,
    entity: 'customer',
    resource: 'customers',
    stagingIds: true,
    screenIds: (r) => [{ what: 'customer id', id: r.id }],
    failOnce: false,
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
    feed: (since) =>
      pagesFeed(
        oro.readIncremental('customers', {
          since,
          overlapSeconds: deps.config.oro.overlapSeconds,
          pageSize: deps.config.oro.pageSize,
        }),
        { readAhead: true },
      ),
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

async function planPage(ctx: Ctx, { page, screened }: PageInput): Promise<PushPlan<Row>> {
  const { deps, report } = ctx.run;
  const cfg = deps.config;
  const given = new Map<string, JsonApiResource>(page.included);
  for (const c of page.data) given.set(`${c.type}:${c.id}`, c);
  const ids = page.data.map((c) => c.id);
  const numeric = ids.map(Number);
  const codes = await deps.store.customerCodes(numeric);
  const unknown = numeric.filter((id) => !ctx.latestHash.has(id));
  for (const [id, h] of await deps.store.lastCustomerHashes(unknown)) ctx.latestHash.set(id, h);
  const prepared = await ctx.customers.load(ids, given);
  const lookup = ctx.cache.lookup(given);
  const mapped = await ctx.cache.settle(() =>
    ids.map((id) => {
      const c = prepared.get(id);
      if (!c) return { id, row: null as Row | null, problems: ['not returned by Oro'], missing: [] };
      const m = mapCustomer(c, lookup, {
        reason: ctx.reason,
        erpCustomerCode: codes.get(Number(id)) ?? null,
        customAttributes: cfg.customers.customAttributes,
        watch: cfg.customers.watch,
      });
      return { id, row: m.row as Row | null, problems: m.problems.map((p) => p.message), missing: m.missing };
    }),
  );
  const rows: Row[] = [];
  const failures = [...screened];
  const settles: string[] = [];
  for (const m of mapped) {
    const problems = [...m.problems, ...(m.missing.length > 0 ? [missingProblem(m.missing)] : [])];
    if (problems.length > 0 || !m.row) {
      failures.push({ id: m.id, reason: problems.join('; ') });
      continue;
    }
    settles.push(m.id);
    const hash = String(m.row.payload_hash);
    if (ctx.latestHash.get(Number(m.id)) === hash) {
      report.counts.skipped++;
      continue;
    }
    ctx.latestHash.set(Number(m.id), hash);
    rows.push(m.row);
  }
  return { stage: rows, failures, settles };
}
