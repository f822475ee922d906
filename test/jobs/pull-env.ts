/**
 * Test bench for the pull jobs and the runner: a real Oro sandbox on a free port, a real staging
 * store (PGlite, or PostgreSQL when SAGESYNC_TEST_PG_URL is set) in its own random schema, and a
 * real Oro client. Nothing is mocked.
 */
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import type { RunContext } from '../../src/jobs/context.js';
import type { JobDeps } from '../../src/jobs/types.js';
import type { Logger } from '../../src/log/types.js';
import { createOroClient } from '../../src/oro/client.js';
import type { OroClient } from '../../src/oro/types.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../tools/sandbox/types.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { CREDIT_LIMIT, CUSTOMER_MAP, ORDER, SHIPMENT } from '../../src/staging/tables.js';
import { BACKENDS, randomSchema, type Backend } from '../staging/helpers/backends.js';

export const CLIENT = { clientId: 'sagesync-test', clientSecret: 'sandbox-secret-1' };

export const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} };

/** The backends this machine can run, printed so that a skipped one is visible. */
export function pullBackends(file: string): Backend[] {
  const usable = BACKENDS.filter((b) => b.name !== 'mssql');
  for (const b of usable) {
    if (!b.available) console.warn(`${file}: skipping the ${b.name} backend: ${b.reason}`);
  }
  return usable.filter((b) => b.available);
}

export interface PullEnv {
  config: Config;
  sandbox: Sandbox;
  store: StagingStore;
  oro: OroClient;
  schema: string;
  deps(extra?: Partial<JobDeps>): JobDeps;
  ctx(extra?: Partial<RunContext>): RunContext;
  /** Inserts a row the way X3 does; returns its staging_id. */
  insert(
    table: 'credit_limit' | 'shipment' | 'order' | 'customer_map',
    row: Record<string, unknown>,
  ): Promise<string>;
  rows(table: 'credit_limit' | 'shipment'): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export function buildConfig(
  backend: Backend,
  schema: string,
  oroUrl: string,
  extra: Partial<ConfigInput> = {},
): Config {
  const staging = (backend.config(schema) as unknown as { staging: Record<string, unknown> }).staging;
  return configSchema.parse({
    ...extra,
    oro: {
      url: oroUrl,
      ...CLIENT,
      maxRetries: 1,
      timeoutMs: 5000,
      apiVersion: undefined,
      ...(extra.oro ?? {}),
    },
    staging: { ...staging, ...(extra.staging ?? {}) },
  });
}

/** One migrated store per test file (opening PGlite is the slow part); each test empties it. */
export interface SharedStore {
  store: StagingStore;
  schema: string;
  close(): Promise<void>;
}

export async function sharedStore(backend: Backend): Promise<SharedStore> {
  const schema = randomSchema('pull');
  const store = await openStore(buildConfig(backend, schema, 'http://127.0.0.1:9'));
  await store.migrate();
  return {
    store,
    schema,
    async close() {
      await store.close();
      await backend.dropSchema(schema);
    },
  };
}

const EMPTIED = [
  'shipment',
  'credit_limit',
  'order_line',
  'order',
  'customer_map',
  'run',
  'alert',
  'quarantine',
];

export async function pullEnv(
  backend: Backend,
  opts: { sandbox?: SandboxOptions; config?: Partial<ConfigInput> } = {},
  shared?: SharedStore,
): Promise<PullEnv> {
  const sandbox = await startSandbox({ clients: [CLIENT], seed: false, ...opts.sandbox });
  const schema = shared?.schema ?? randomSchema('pull');
  const config = buildConfig(backend, schema, sandbox.url, opts.config);
  const store = shared?.store ?? (await openStore(config));
  if (shared) for (const t of EMPTIED) await store.query(`DELETE FROM ${store.tableName(t)}`);
  else await store.migrate();
  // No real waiting between retries: the tests check what is sent, not how long it takes.
  const oro = createOroClient(config, { sleep: async () => undefined });
  const tables = { credit_limit: CREDIT_LIMIT, shipment: SHIPMENT, order: ORDER, customer_map: CUSTOMER_MAP };
  const p = (n: number) => backend.p(n);
  return {
    config,
    sandbox,
    store,
    oro,
    schema,
    deps: (extra = {}) => ({
      config,
      store,
      oro: async () => oro,
      logger: silent,
      clock: () => new Date(),
      ...extra,
    }),
    ctx: (extra = {}) => ({
      config,
      logger: silent,
      clock: () => new Date(),
      openStore: async () => store,
      openOro: async () => oro,
      ...extra,
    }),
    async insert(table, row) {
      const cols = Object.keys(row);
      const sql =
        `INSERT INTO ${store.tableName(tables[table])} (${cols.join(', ')}) ` +
        `VALUES (${cols.map((_, i) => p(i + 1)).join(', ')})` +
        (table === 'customer_map' ? '' : ' RETURNING staging_id');
      const out = await store.query(sql, Object.values(row));
      return table === 'customer_map' ? '' : String(out[0]?.['staging_id']);
    },
    async rows(table) {
      return store.query(`SELECT * FROM ${store.tableName(tables[table])} ORDER BY staging_id`);
    },
    async close() {
      await oro.close();
      if (!shared) {
        await store.close();
        await backend.dropSchema(schema);
      }
      await sandbox.close().catch(() => undefined); // some tests close it early (Oro down)
    },
  };
}

/** Minimal staged order row (direction 1) so that shipments can resolve through sagesync_order. */
export function stagedOrder(oroOrderId: number, identifier: string, erpOrderNumber: string | null) {
  return {
    oro_order_id: oroOrderId,
    order_identifier: identifier,
    oro_customer_id: 1,
    currency: 'EUR',
    total: '10.0000',
    order_created_at: new Date('2026-01-01T00:00:00Z'),
    custom_attributes: '{}',
    erp_order_number: erpOrderNumber,
  };
}
