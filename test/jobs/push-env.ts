/**
 * Test bench for the push jobs (job-env.ts): a real Oro sandbox, a real staging store in its own
 * random schema and a real Oro client, plus the push jobs and what the push tests read back.
 * Nothing is mocked.
 */
import type { ConfigInput } from '../../src/config/schema.js';
import type { JobDeps, JobOptions, JobReport } from '../../src/jobs/types.js';
import { pushCustomers } from '../../src/jobs/push-customers.js';
import { pushOrders } from '../../src/jobs/push-orders.js';
import type { SandboxOptions } from '../../tools/sandbox/types.js';
import type { StagingStore } from '../../src/staging/store.js';
import { CUSTOMER, ORDER, ORDER_LINE, QUARANTINE } from '../../src/staging/tables.js';
import type { Backend } from '../staging/helpers/backends.js';
import { jobBackends, jobEnv, type JobEnv } from './job-env.js';

export { CLIENT, silent } from './job-env.js';

/** PGlite always, PostgreSQL when SAGESYNC_TEST_PG_URL is set; a skipped one is printed. */
export const pushBackends = jobBackends;

interface StagedOrder {
  oroOrderId: number;
  oroCustomerId: number;
  total: string;
  currency: string;
  lines: number;
  stagedAt: Date;
}

export interface PushEnv extends JobEnv {
  orders(extra?: Partial<JobDeps>, options?: Partial<JobOptions>): Promise<JobReport>;
  customers(extra?: Partial<JobDeps>, options?: Partial<JobOptions>): Promise<JobReport>;
  staged(): Promise<StagedOrder[]>;
  lines(oroOrderId: number): Promise<Record<string, unknown>[]>;
  customerRows(): Promise<Record<string, unknown>[]>;
  quarantine(): Promise<Record<string, unknown>[]>;
}

export async function pushEnv(
  backend: Backend,
  opts: { sandbox?: SandboxOptions; config?: Partial<ConfigInput>; schema?: string } = {},
): Promise<PushEnv> {
  const env = await jobEnv(backend, { ...opts, tag: 'push' });
  const { store, deps } = env;
  const t = (d: Parameters<StagingStore['tableName']>[0]) => store.tableName(d);
  return {
    ...env,
    orders: (extra, options) => pushOrders(deps(extra), { dryRun: false, ...options }),
    customers: (extra, options) => pushCustomers(deps(extra), { dryRun: false, ...options }),
    async staged() {
      const rows = await store.query(
        `SELECT o.oro_order_id, o.oro_customer_id, o.total, o.currency, o.staged_at,
                (SELECT count(*) FROM ${t(ORDER_LINE)} l WHERE l.order_staging_id = o.staging_id) AS n
           FROM ${t(ORDER)} o ORDER BY o.oro_order_id`,
      );
      return rows.map((r) => ({
        oroOrderId: Number(r.oro_order_id),
        oroCustomerId: Number(r.oro_customer_id),
        total: String(r.total),
        currency: String(r.currency),
        lines: Number(r.n),
        stagedAt: new Date(r.staged_at as string | Date),
      }));
    },
    lines: (id) =>
      store.query(`SELECT * FROM ${t(ORDER_LINE)} WHERE oro_order_id = $1 ORDER BY line_number`, [id]),
    customerRows: () => store.query(`SELECT * FROM ${t(CUSTOMER)} ORDER BY staging_id`),
    quarantine: () => store.query(`SELECT * FROM ${t(QUARANTINE)} ORDER BY staging_id`),
  };
}

/** Money as the database returns it, compared exactly with Oro's 4-decimal string. */
export function sameMoney(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => {
    const [i = '', f = ''] = String(v).split('.');
    return `${i}.${f.replace(/0+$/, '')}`;
  };
  return norm(a) === norm(b);
}

/**
 * Guarantee 2: every staged order has a snapshot of its customer committed in the same or an
 * earlier transaction (staged_at; identities of different tables are not comparable).
 */
export async function ordersWithoutEarlierCustomer(env: PushEnv): Promise<number[]> {
  const t = (d: Parameters<StagingStore['tableName']>[0]) => env.store.tableName(d);
  const rows = await env.store.query(
    `SELECT o.oro_order_id FROM ${t(ORDER)} o
      WHERE NOT EXISTS (SELECT 1 FROM ${t(CUSTOMER)} c
                         WHERE c.oro_customer_id = o.oro_customer_id AND c.staged_at <= o.staged_at)`,
  );
  return rows.map((r) => Number(r.oro_order_id));
}

/** Runs push-orders until a run stages nothing more (at most `max` runs). */
export async function ordersUntilQuiet(
  env: PushEnv,
  max = 6,
  extra?: Partial<JobDeps>,
): Promise<JobReport[]> {
  const reports: JobReport[] = [];
  for (let i = 0; i < max; i++) {
    const r = await env.orders(extra);
    reports.push(r);
    if (r.outcome === 'failed') throw new Error(`push-orders failed: ${r.message}`);
    if (r.counts.written === 0) break;
  }
  return reports;
}

/** The id of a customer's default billing address in the sandbox (what its snapshot copies). */
export function billingAddressOf(env: PushEnv, customer: string): string {
  const a = env.sandbox
    .all('customeraddresses')
    .find(
      (r) =>
        (r.relationships['customer'] as { id: string }).id === customer &&
        (r.attributes['types'] as { addressType: string; default: boolean }[]).some(
          (t) => t.addressType === 'billing' && t.default,
        ),
    );
  if (!a) throw new Error(`customer ${customer} has no default billing address`);
  return a.id;
}
