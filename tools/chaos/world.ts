/**
 * The chaos harness's world: a private PostgreSQL it may restart (else the shared server with its
 * own schema, without restarts), an Oro sandbox that records every request, a sagesync config,
 * and the X3 side (the X3 simulator) that keeps giving the pull jobs work.
 */
import { randomBytes } from 'node:crypto';
import { configSchema, type Config } from '../../src/config/schema.js';
import { tempDir, writeConfig } from '../demo/harness.js';
import { dropSchema } from '../bench/idle-bench.js';
import { startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/types.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { trackingNumber } from '../x3sim/codes.js';
import { X3Simulator } from '../x3sim/simulator.js';
import { X3Sql } from '../x3sim/sql.js';
import { PrivatePostgres } from './private-postgres.js';

const CLIENT = { clientId: 'chaos', clientSecret: 'chaos-secret' };

import type { Rng } from '../sandbox/random.js';
export type { Rng };

export interface World {
  sandbox: Sandbox;
  config: Config;
  configFile: string;
  /** null when the shared server is used (no restarts allowed). */
  pg: PrivatePostgres | null;
  backend: string;
  store: StagingStore;
  x3: X3Simulator;
  close(): Promise<void>;
}

export async function createWorld(o: { orders: number; customers: number; seed: number }): Promise<World> {
  const tmp = tempDir('chaos');
  const why = PrivatePostgres.available();
  let pg: PrivatePostgres | null = null;
  let staging: Record<string, unknown>;
  let backend: string;
  let dropShared: (() => Promise<void>) | null = null;
  if (why === null) {
    pg = await PrivatePostgres.start();
    staging = { dialect: 'postgres', url: pg.url, schema: 'chaos', tls: { enabled: false } };
    backend = `private PostgreSQL 15 on 127.0.0.1:${pg.port} (restartable)`;
  } else if (process.env.SAGESYNC_TEST_PG_URL) {
    const url = process.env.SAGESYNC_TEST_PG_URL;
    const schema = `chaos_${randomBytes(4).toString('hex')}`;
    staging = { dialect: 'postgres', url, schema, tls: { enabled: false } };
    backend = `shared PostgreSQL, schema ${schema} (no restarts: ${why})`;
    dropShared = () => dropSchema(url, schema);
  } else {
    tmp.remove();
    throw new Error(`chaos needs PostgreSQL: ${why}, and SAGESYNC_TEST_PG_URL is not set`);
  }
  const sandbox = await startSandbox({
    clients: [CLIENT],
    apiVersion: '6.1',
    seed: { orders: o.orders, customers: o.customers, seed: o.seed, linesPerOrder: [1, 8] },
  });
  const input = { oro: { url: sandbox.url, ...CLIENT, maxRetries: 3 }, staging };
  const configFile = writeConfig(tmp.dir, {
    oroUrl: sandbox.url,
    ...CLIENT,
    staging,
    extra: { oro: input.oro, runAll: { maxDurationSeconds: 20 } },
  });
  const config = configSchema.parse(input);
  const store = await openStore(config);
  await store.migrate();
  const x3 = new X3Simulator(store, { limit: 5000, creditLimit: '10000.0000' });
  return {
    sandbox,
    config,
    configFile,
    pg,
    backend,
    store,
    x3,
    async close() {
      await store.close().catch(() => undefined);
      await sandbox.close();
      await dropShared?.().catch(() => undefined);
      pg?.stop();
      tmp.remove();
    },
  };
}

/**
 * New work for every job: orders placed and customers renamed in Oro (push jobs); X3 answering
 * the staged rows, changing some credit limits and shipping a second parcel (pull jobs).
 */
export async function addWork(w: World, rng: Rng, n: number): Promise<void> {
  const customers = w.sandbox.all('customers');
  for (let i = 0; i < n; i++) {
    const c = customers[Math.floor(rng() * customers.length)];
    w.sandbox.addOrder({ ...(c ? { customerId: c.id } : {}), lines: 1 + Math.floor(rng() * 6) });
  }
  for (let i = 0; i < Math.ceil(n / 4); i++) {
    const c = customers[Math.floor(rng() * customers.length)];
    if (c)
      w.sandbox.updateCustomer(c.id, {
        attributes: { name: `${String(c.attributes.name).slice(0, 60)} ${i}${Math.floor(rng() * 1e6)}` },
      });
  }
  await x3Turn(w, rng, n);
}

let x3Busy: Promise<void> = Promise.resolve();

/**
 * One X3 pass plus extra credit and shipment rows; tolerant of a database being restarted. Passes
 * run one at a time, as X3's recurring task does.
 */
export function x3Turn(w: World, rng: Rng, extra: number): Promise<void> {
  const next = x3Busy.then(() => x3TurnNow(w, rng, extra));
  x3Busy = next;
  return next;
}

async function x3TurnNow(w: World, rng: Rng, extra: number): Promise<void> {
  try {
    await w.x3.pass();
    const sql = new X3Sql(w.store.dialect, (t) => w.store.tableName(t));
    const codes = await w.store.query(
      `SELECT oro_customer_id, erp_customer_code FROM ${w.store.tableName('customer_map')}`,
    );
    const credit = Array.from({ length: Math.min(extra, codes.length) }, () => {
      const c = codes[Math.floor(rng() * codes.length)];
      return { code: String(c?.erp_customer_code), limit: (Math.floor(rng() * 500) * 100).toFixed(4) };
    });
    if (credit.length > 0) await w.x3.writeCreditLimitRows(credit);
    const done = await w.store.query(
      `SELECT staging_id, erp_order_number FROM ${w.store.tableName('order')} WHERE status = 'DONE' ORDER BY staging_id DESC LIMIT 500`,
    );
    const parcels = Array.from({ length: Math.min(Math.ceil(extra / 2), done.length) }, () => {
      const o = done[Math.floor(rng() * done.length)];
      const id = String(o?.staging_id);
      return {
        oroOrderId: null,
        erpOrderNumber: String(o?.erp_order_number),
        orderIdentifier: null,
        carrier: 'DHL',
        trackingNumber: `${trackingNumber('DHL', id)}${Math.floor(rng() * 1e6)}`,
        deliveryNumber: null,
      };
    });
    if (parcels.length > 0) {
      const s = sql.insertShipments(parcels);
      await w.store.query(s.sql, s.params);
    }
  } catch (err) {
    // The database may be down on purpose; X3 tries again at its next pass.
    process.stdout.write(`  (X3 pass failed: ${(err as Error).message.split('\n')[0]})\n`);
  }
}
