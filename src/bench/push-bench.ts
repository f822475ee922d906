/**
 * push-orders throughput (issue 4): N orders × 5 lines staged from the sandbox into the real
 * PostgreSQL server by `sagesync push-orders` in a fresh process (the real product, as cron runs
 * it), against a floor measured in the same run: the same pages fetched plainly with the Oro
 * client, plus one bulk COPY (pg-copy-streams) of the very rows the job staged.
 * Targets: ≥ 1,000 orders/s, ≤ 1.5× the floor, peak RSS at the largest N ≤ 1.3× at the smallest.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { configSchema, type Config } from '../config/schema.js';
import { CLI, describeExit, runCli, tempDir, writeConfig } from '../demo/harness.js';
import { ORDER_INCLUDE } from '../jobs/push-orders.js';
import { createOroClient } from '../oro/client.js';
import { startSandbox } from '../sandbox/index.js';
import { ORDER, ORDER_LINE, type TableDef } from '../staging/tables.js';
import { fmtMb, fmtMs, ratio, type Figure } from './figure.js';
import { ProcessProbe } from './process-probe.js';

const CLIENT = { clientId: 'bench', clientSecret: 'bench-secret' };

export interface PushBenchOptions {
  pgUrl: string;
  /** Order counts; the RSS ratio compares the last with the first. Default [1000, 20000]. */
  sizes?: number[];
  linesPerOrder?: number;
  log: (line: string) => void;
}

interface SizeResult {
  orders: number;
  jobMs: number;
  floorMs: number;
  fetchMs: number;
  copyMs: number;
  maxRssKb: number;
}

const columnsOf = (t: TableDef): string[] => t.columns.filter((c) => !c.identity).map((c) => c.name);

async function measureSize(
  n: number,
  o: PushBenchOptions,
  probe: ProcessProbe,
  dir: string,
): Promise<SizeResult> {
  const lines = o.linesPerOrder ?? 5;
  const sandbox = await startSandbox({
    clients: [CLIENT],
    recordRequests: false,
    seed: { orders: n, customers: Math.max(50, Math.floor(n / 20)), linesPerOrder: [lines, lines], seed: 17 },
  });
  const schema = `sgs_bench_${randomBytes(4).toString('hex')}`;
  const staging = { dialect: 'postgres', url: o.pgUrl, schema, tls: { enabled: false } };
  const client = new pg.Client({ connectionString: o.pgUrl });
  await client.connect();
  try {
    const cfg = writeConfig(dir, { oroUrl: sandbox.url, ...CLIENT, staging });
    const mig = await runCli(['migrate', '-c', cfg]);
    if (mig.code !== 0) throw new Error(`sagesync migrate: ${describeExit(mig)}`);

    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const m = await probe.run([CLI, 'push-orders', '-c', cfg, '--json'], { env });
    if (m.code !== 0 && m.code !== 1)
      throw new Error(`push-orders exited ${m.code}: ${m.stderr.slice(-300)}`);
    const q = (t: TableDef) => `"${schema}".sagesync_${t.name}`;
    const staged = Number((await client.query(`SELECT count(*) AS n FROM ${q(ORDER)}`)).rows[0].n);
    if (staged !== n) o.log(`  warning: ${n} orders in Oro, ${staged} staged`);

    // Floor, part 1: the same pages, fetched plainly.
    const config = configSchema.parse({
      oro: { url: sandbox.url, ...CLIENT },
      staging,
    }) as Config;
    const oro = createOroClient(config);
    const f0 = performance.now();
    let read = 0;
    for await (const page of oro.readIncremental('orders', {
      since: null,
      overlapSeconds: 0,
      include: ORDER_INCLUDE,
      pageSize: config.oro.pageSize,
    })) {
      read += oro.resolveOrders(page).length;
    }
    const fetchMs = performance.now() - f0;
    await oro.close();
    if (read !== n) o.log(`  warning: the plain read returned ${read} orders`);

    // Floor, part 2: one bulk COPY of the same rows into look-alike tables.
    const copies: [TableDef, Buffer][] = [];
    for (const t of [ORDER, ORDER_LINE]) {
      const cols = columnsOf(t).join(', ');
      await client.query(`CREATE TABLE "${schema}".floor_${t.name} (LIKE ${q(t)} INCLUDING ALL)`);
      const chunks: Buffer[] = [];
      for await (const c of client.query(copyTo(`COPY ${q(t)} (${cols}) TO STDOUT`)))
        chunks.push(c as Buffer);
      copies.push([t, Buffer.concat(chunks)]);
    }
    const c0 = performance.now();
    await client.query('BEGIN');
    for (const [t, data] of copies) {
      const cols = columnsOf(t).join(', ');
      await pipeline(
        Readable.from([data]),
        client.query(copyFrom(`COPY "${schema}".floor_${t.name} (${cols}) FROM STDIN`)),
      );
    }
    await client.query('COMMIT');
    const copyMs = performance.now() - c0;
    return { orders: n, jobMs: m.wallMs, floorMs: fetchMs + copyMs, fetchMs, copyMs, maxRssKb: m.maxRssKb };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await client.end();
    await sandbox.close();
  }
}

/** Runs the sizes and returns the printed figures. */
export async function pushBench(o: PushBenchOptions): Promise<Figure[]> {
  const sizes = o.sizes ?? [1000, 20000];
  const tmp = tempDir('push-bench');
  const probe = new ProcessProbe(tmp.dir);
  const results: SizeResult[] = [];
  try {
    for (const n of sizes) {
      o.log(`  push-orders: staging ${n} orders…`);
      const r = await measureSize(n, o, probe, tmp.dir);
      o.log(
        `  push-orders ${n}: job ${fmtMs(r.jobMs)}, floor ${fmtMs(r.floorMs)} (fetch ${fmtMs(r.fetchMs)} + COPY ${fmtMs(r.copyMs)}), peak RSS ${fmtMb(r.maxRssKb)}`,
      );
      results.push(r);
    }
  } finally {
    tmp.remove();
  }
  const figures: Figure[] = [];
  for (const r of results) {
    const rate = (r.orders / r.jobMs) * 1000;
    const floorRate = (r.orders / r.floorMs) * 1000;
    const x = r.jobMs / r.floorMs;
    figures.push({
      figure: `push-orders ${r.orders} orders × ${o.linesPerOrder ?? 5} lines`,
      value: `${Math.round(rate)} orders/s`,
      floor: `${Math.round(floorRate)} orders/s`,
      ratio: ratio(r.jobMs, r.floorMs),
      target: '≥ 1000 orders/s, ≤ 1.5× floor',
      pass: rate >= 1000 && x <= 1.5,
    });
  }
  const first = results[0];
  const last = results.at(-1);
  if (first && last && last !== first) {
    figures.push({
      figure: `push-orders peak RSS ${last.orders} vs ${first.orders} orders`,
      value: fmtMb(last.maxRssKb),
      floor: fmtMb(first.maxRssKb),
      ratio: ratio(last.maxRssKb, first.maxRssKb),
      target: '≤ 1.3×',
      pass: last.maxRssKb / first.maxRssKb <= 1.3,
    });
  }
  return figures;
}
