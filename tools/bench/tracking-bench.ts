/**
 * (c) pull-tracking: Oro requests per shipment row (target ≤ 2: read the order's trackings, create
 * the new one), counted from the sandbox's request log while the real CLI applies the rows. Rows
 * come from the X3 simulator (one parcel per order, a second parcel for every fifth order).
 */
import path from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { describeExit, parseJsonOutput, runCli, tempDir, writeConfig } from '../demo/harness.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import { startSandbox } from '../sandbox/index.js';
import { openStore } from '../../src/staging/open-store.js';
import { trackingNumber } from '../x3sim/codes.js';
import { X3Simulator } from '../x3sim/simulator.js';
import { fmtMs, type Figure } from './figure.js';

const CLIENT = { clientId: 'bench', clientSecret: 'bench-secret' };

export async function trackingBench(o: { orders: number; log: (l: string) => void }): Promise<Figure[]> {
  const tmp = tempDir('bench-tracking');
  const sandbox = await startSandbox({
    clients: [CLIENT],
    seed: { orders: o.orders, seed: 5, linesPerOrder: [1, 3] },
  });
  try {
    const staging = { dialect: 'embedded', path: path.join(tmp.dir, 'staging') };
    const cfg = writeConfig(tmp.dir, { oroUrl: sandbox.url, ...CLIENT, staging });
    const cli = async (args: string[]): Promise<RunSummary | null> => {
      const r = await runCli([...args, '-c', cfg, '--json'], { timeoutMs: 300_000 });
      if (r.code !== 0) throw new Error(`sagesync ${args[0]}: ${describeExit(r)}`);
      return parseJsonOutput<RunSummary>(r.stdout);
    };
    await cli(['migrate']);
    await cli(['push-orders']);
    const config = configSchema.parse({ oro: { url: sandbox.url, ...CLIENT }, staging });
    const store = await openStore(config);
    let rows = 0;
    try {
      const sim = new X3Simulator(store, { creditLimit: null, limit: 100_000 });
      const pass = await sim.pass();
      // A second parcel for every fifth order: an order with an existing tracking gets another.
      const extra = pass.shipments.filter((_, i) => i % 5 === 0);
      const t = store.tableName('shipment');
      for (const s of extra) {
        await store.query(
          `INSERT INTO ${t} (erp_order_number, carrier, tracking_number) VALUES ($1, $2, $3)`,
          [s.erpOrderNumber, 'DHL', `${trackingNumber('DHL', String(s.oroOrderId))}9`],
        );
      }
      rows = pass.shipments.length + extra.length;
    } finally {
      await store.close();
    }
    sandbox.requests.length = 0;
    const summary = await cli(['pull-tracking']);
    const api = sandbox.requests.filter((r) => r.path.includes('/admin/api/'));
    const tokens = sandbox.requests.length - api.length;
    const job = summary?.jobs.find((j) => j.job === 'pull-tracking');
    const applied = job?.counts.written ?? 0;
    const perRow = api.length / Math.max(1, rows);
    const byKind = new Map<string, number>();
    for (const r of api) {
      const k = `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
      byKind.set(k, (byKind.get(k) ?? 0) + 1);
    }
    o.log(
      `  pull-tracking: ${rows} rows, ${applied} applied, ${api.length} API requests + ${tokens} token requests`,
    );
    for (const [k, n] of byKind) o.log(`    ${n} × ${k}`);
    return [
      {
        figure: `pull-tracking Oro API requests per row (${rows} rows)`,
        value: perRow.toFixed(2),
        floor: '',
        ratio: '',
        target: '≤ 2',
        pass: perRow <= 2 && applied === rows,
      },
      {
        figure: 'pull-tracking rows applied per second',
        value: `${((applied / (job?.durationMs ?? NaN)) * 1000).toFixed(0)} rows/s (${fmtMs(job?.durationMs ?? NaN)})`,
        floor: '',
        ratio: '',
        target: '',
        pass: null,
      },
    ];
  } finally {
    await sandbox.close();
    tmp.remove();
  }
}
