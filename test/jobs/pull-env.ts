/**
 * Test bench for the pull jobs and the runner (job-env.ts): a real Oro sandbox, a real staging
 * store in its own random schema and a real Oro client, plus what the pull tests ask of them:
 * inserting rows as X3 does and reading them back. Nothing is mocked.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { CREDIT_LIMIT, CUSTOMER_MAP, ORDER, SHIPMENT } from '../../src/staging/tables.js';
import { createOroClient } from '../../src/oro/client.js';
import type { OroClient } from '../../src/oro/types.js';
import { startHostileOro, type HostileOro } from '../../tools/chaos/hostile-oro.js';
import type { SandboxOptions } from '../../tools/sandbox/types.js';
import { randomSchema, type Backend } from '../staging/helpers/backends.js';
import { buildConfig, jobBackends, jobEnv, type JobEnv } from './job-env.js';

export { buildConfig, CLIENT, silent } from './job-env.js';

/** The backends this machine can run, printed so that a skipped one is visible. */
export const pullBackends = jobBackends;

export interface PullEnv extends JobEnv {
  /** Inserts a row the way X3 does; returns its staging_id. */
  insert(
    table: 'credit_limit' | 'shipment' | 'order' | 'customer_map',
    row: Record<string, unknown>,
  ): Promise<string>;
  /** Inserts rows the way X3 does, in one statement (every row with the first row's columns). */
  insertMany(table: 'credit_limit' | 'shipment', rows: Record<string, unknown>[]): Promise<void>;
  rows(table: 'credit_limit' | 'shipment'): Promise<Record<string, unknown>[]>;
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
  if (shared) for (const t of EMPTIED) await shared.store.query(`DELETE FROM ${shared.store.tableName(t)}`);
  const env = await jobEnv(backend, {
    sandbox: { seed: false, ...opts.sandbox },
    ...(opts.config ? { config: opts.config } : {}),
    ...(shared ? { store: shared } : {}),
    tag: 'pull',
  });
  const { store } = env;
  const tables = { credit_limit: CREDIT_LIMIT, shipment: SHIPMENT, order: ORDER, customer_map: CUSTOMER_MAP };
  const p = (n: number) => backend.p(n);
  return {
    ...env,
    async insert(table, row) {
      const cols = Object.keys(row);
      const sql =
        `INSERT INTO ${store.tableName(tables[table])} (${cols.join(', ')}) ` +
        `VALUES (${cols.map((_, i) => p(i + 1)).join(', ')})` +
        (table === 'customer_map' ? '' : ' RETURNING staging_id');
      const out = await store.query(sql, Object.values(row));
      return table === 'customer_map' ? '' : String(out[0]?.['staging_id']);
    },
    async insertMany(table, rows) {
      const cols = Object.keys(rows[0] ?? {});
      const params: unknown[] = [];
      const values = rows.map((row) => `(${cols.map((c) => p(params.push(row[c]))).join(', ')})`);
      await store.query(
        `INSERT INTO ${store.tableName(tables[table])} (${cols.join(', ')}) VALUES ${values.join(', ')}`,
        params,
      );
    },
    async rows(table) {
      return store.query(`SELECT * FROM ${store.tableName(tables[table])} ORDER BY staging_id`);
    },
  };
}

/**
 * The set-up most pull test files share, per backend (call it inside the describe): one migrated
 * store for the file, and per test a fresh sandbox over emptied tables (`open`), every one opened
 * closed after the test.
 */
export function pullFixture(backend: Backend): {
  open(opts?: { sandbox?: SandboxOptions; config?: Partial<ConfigInput> }): Promise<PullEnv>;
  readonly shared: SharedStore;
} {
  let shared: SharedStore | undefined;
  const opened: PullEnv[] = [];
  beforeAll(async () => {
    shared = await sharedStore(backend);
  }, 180_000); // opening PGlite takes a while on a loaded machine
  afterAll(async () => shared?.close());
  afterEach(async () => {
    for (const env of opened.splice(0)) await env.close();
  });
  const mine = (): SharedStore => {
    if (!shared) throw new Error('pullFixture: the shared store is opened in beforeAll');
    return shared;
  };
  return {
    async open(opts = {}) {
      const env = await pullEnv(backend, opts, mine());
      opened.push(env);
      return env;
    },
    get shared() {
      return mine();
    },
  };
}

/** A pull bench whose client talks to the sandbox through the hostile proxy (tools/chaos). */
export interface HostilePullEnv {
  env: PullEnv;
  proxy: HostileOro;
  /** The Oro client pointed at the proxy; pass it as the job's `oro`. */
  client: OroClient;
  close(): Promise<void>;
}

export async function hostilePullEnv(backend: Backend, sandbox: SandboxOptions): Promise<HostilePullEnv> {
  let upstream = '';
  const proxy = await startHostileOro(() => upstream);
  const env = await pullEnv(backend, { sandbox });
  upstream = env.sandbox.url;
  const client = createOroClient(
    { ...env.config, oro: { ...env.config.oro, url: proxy.url } },
    { sleep: async () => undefined },
  );
  return {
    env,
    proxy,
    client,
    async close() {
      await client.close();
      await env.close();
      await proxy.close();
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
