/**
 * Test bench for the push jobs: the real Oro sandbox on a free port, a real staging store
 * (PGlite always, PostgreSQL when SAGESYNC_TEST_PG_URL is set) in its own random schema, and the
 * real Oro client. Nothing is mocked. Reuses the pull jobs' bench for config and backends.
 */
import type { ConfigInput, Config } from '../../src/config/schema.js';
import type { JobDeps, JobOptions, JobReport } from '../../src/jobs/types.js';
import { pushCustomers } from '../../src/jobs/push-customers.js';
import { pushOrders } from '../../src/jobs/push-orders.js';
import { createOroClient } from '../../src/oro/client.js';
import type { OroClient } from '../../src/oro/types.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../tools/sandbox/types.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { CUSTOMER, ORDER, ORDER_LINE, QUARANTINE } from '../../src/staging/tables.js';
import { BACKENDS, randomSchema, type Backend } from '../staging/helpers/backends.js';
import type { Logger } from '../../src/log/types.js';
import { configSchema } from '../../src/config/schema.js';

export const CLIENT = { clientId: 'sagesync-test', clientSecret: 'sandbox-secret-1' };
export const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} };

/** PGlite always, PostgreSQL when SAGESYNC_TEST_PG_URL is set; a skipped one is printed. */
export function pushBackends(file: string): Backend[] {
  const usable = BACKENDS.filter((b) => b.name !== 'mssql');
  for (const b of usable) {
    if (!b.available) console.warn(`${file}: skipping the ${b.name} backend: ${b.reason}`);
  }
  return usable.filter((b) => b.available);
}

function buildConfig(
  backend: Backend,
  schema: string,
  oroUrl: string,
  extra: Partial<ConfigInput> = {},
): Config {
  const staging = (backend.config(schema) as unknown as { staging: Record<string, unknown> }).staging;
  return configSchema.parse({
    ...extra,
    oro: { url: oroUrl, ...CLIENT, maxRetries: 1, timeoutMs: 5000, ...(extra.oro ?? {}) },
    staging: { ...staging, ...(extra.staging ?? {}) },
  });
}

interface StagedOrder {
  oroOrderId: number;
  oroCustomerId: number;
  total: string;
  currency: string;
  lines: number;
  stagedAt: Date;
}

export interface PushEnv {
  config: Config;
  sandbox: Sandbox;
  store: StagingStore;
  oro: OroClient;
  schema: string;
  deps(extra?: Partial<JobDeps>): JobDeps;
  orders(extra?: Partial<JobDeps>, options?: Partial<JobOptions>): Promise<JobReport>;
  customers(extra?: Partial<JobDeps>, options?: Partial<JobOptions>): Promise<JobReport>;
  staged(): Promise<StagedOrder[]>;
  lines(oroOrderId: number): Promise<Record<string, unknown>[]>;
  customerRows(): Promise<Record<string, unknown>[]>;
  quarantine(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function pushEnv(
  backend: Backend,
  opts: { sandbox?: SandboxOptions; config?: Partial<ConfigInput>; schema?: string } = {},
): Promise<PushEnv> {
  const sandbox = await startSandbox({ clients: [CLIENT], ...opts.sandbox });
  const schema = opts.schema ?? randomSchema('push');
  const config = buildConfig(backend, schema, sandbox.url, opts.config);
  const store = await openStore(config);
  await store.migrate();
  const oro = createOroClient(config, { sleep: async () => undefined });
  const deps = (extra: Partial<JobDeps> = {}): JobDeps => ({
    config,
    store,
    oro: async () => oro,
    logger: silent,
    clock: () => new Date(),
    ...extra,
  });
  const t = (d: Parameters<StagingStore['tableName']>[0]) => store.tableName(d);
  return {
    config,
    sandbox,
    store,
    oro,
    schema,
    deps,
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
    async close() {
      await oro.close();
      await store.close();
      await backend.dropSchema(schema);
      await sandbox.close();
    },
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
