/**
 * push-orders throughput (issue 4): N orders × 5 lines staged from the sandbox into the real
 * PostgreSQL server by `sagesync push-orders` in a fresh process (the real product, as cron runs
 * it), against a floor measured in the same run: the same pages fetched plainly with the Oro
 * client, plus one bulk COPY (pg-copy-streams) of the very rows the job staged.
 * Same process model for both: the sandbox serves from a process of its own (as Oro would), so
 * neither the job nor the floor's fetch shares a thread with it, and both read from a warm
 * sandbox (an untimed plain read comes first, see measureSize). The job's process start-up
 * (loading, config, database and token) is measured apart with an empty sandbox and printed.
 * Targets (issue 4): at the largest N (20,000), ≥ 1,000 orders/s and ≤ 1.5× the floor. Peak RSS
 * and the Oro requests of each run are printed for information (issue 21 retired the RSS ratio
 * for the memory section's targets, memory-bench.ts). Smaller sizes are printed for information
 * (their time is mostly process start-up). Each size runs `runs` times (fresh schema, sandbox and floor
 * each time) and the figures are the medians: one run on a shared 2-core machine is too noisy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { trackChild } from '../common/tool-process.js';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { configSchema, type Config } from '../../src/config/schema.js';
import { CLI, describeExit, REPO_ROOT, runCli, tempDir, writeConfig } from '../demo/harness.js';
import { ORDER_INCLUDE } from '../../src/jobs/push-orders.js';
import { createOroClient } from '../../src/oro/client.js';
import { startSandbox } from '../sandbox/index.js';
import { ORDER, ORDER_LINE, type TableDef } from '../../src/staging/tables.js';
import { fmtMb, fmtMs, ratio, type Figure } from './figure.js';
import { ProcessProbe } from './process-probe.js';

export const CLIENT = { clientId: 'bench', clientSecret: 'bench-secret' };

export interface PushBenchOptions {
  pgUrl: string;
  /** Order counts; the RSS ratio compares the last with the first. Default [1000, 20000]. */
  sizes?: number[];
  linesPerOrder?: number;
  /** Runs per size; the medians are printed. Default 3. */
  runs?: number;
  /**
   * `NODE_OPTIONS` for the job's processes (the bench's own are never passed on), e.g. heap
   * flags whose cost is to be measured; printed in the figures' names.
   */
  nodeOptions?: string;
  /** The Node binary of the job's processes (default: this one); `nodeLabel` names it in figures. */
  node?: string;
  nodeLabel?: string;
  log: (line: string) => void;
}

interface SizeResult {
  orders: number;
  jobMs: number;
  floorMs: number;
  fetchMs: number;
  copyMs: number;
  maxRssKb: number;
  /** The same CLI with nothing to read: start-up, connections and the token (part of jobMs). */
  startupMs: number;
  /** Oro requests the job made (the token request not counted). */
  requests: number;
}

/** The built sandbox: next to this file, or in the build when this runs from source (tests). */
const SANDBOX_MODULE = [
  fileURLToPath(new URL('../sandbox/index.js', import.meta.url)),
  path.join(REPO_ROOT, 'dist-tools', 'tools', 'sandbox', 'index.js'),
].find((f) => existsSync(f));

/** Oro requests counted at the sandbox, by `METHOD /path` (the token request apart). */
export interface RequestCount {
  total: number;
  token: number;
  byPath: Map<string, number>;
}

export interface SandboxProcess {
  url: string;
  /** The requests served since the previous call (or since the start), then counting restarts. */
  requests: () => Promise<RequestCount>;
  close: () => Promise<void>;
}

/**
 * A seeded sandbox in a child process; resolves once it listens. It counts the requests it
 * serves: `requests()` asks for the count over stdin and reads the answer from stdout.
 */
export async function sandboxProcess(seed: object, faults: object = {}): Promise<SandboxProcess> {
  if (!SANDBOX_MODULE) throw new Error('the sandbox is not built: run npm run build first');
  const script = `import { createInterface } from 'node:readline';
import { startSandbox } from ${JSON.stringify(SANDBOX_MODULE)};
const s = await startSandbox({ clients: [${JSON.stringify(CLIENT)}], seed: ${JSON.stringify(seed)}, faults: ${JSON.stringify(faults)} });
process.stdout.write(s.url + '\\n');
createInterface({ input: process.stdin })
  .on('line', () => {
    const served = s.requests
      .splice(0)
      .map((r) => r.method + ' ' + r.path + (/fields(%5B|\\[)/i.test(r.query) ? ' (sparse fieldset)' : ''));
    process.stdout.write(JSON.stringify(served) + '\\n');
  })
  .once('close', () => void s.close());`;
  const child: ChildProcess = trackChild(
    spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const exited = once(child, 'exit').then(() => {
    throw new Error('the sandbox process exited before listening');
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const answers: ((line: string) => void)[] = [];
  const first = new Promise<string>((resolve) => answers.push(resolve));
  lines.on('line', (l: string) => answers.shift()?.(l));
  const url = await Promise.race([first, exited]);
  return {
    url,
    requests: async () => {
      const answer = new Promise<string>((resolve) => answers.push(resolve));
      child.stdin?.write('requests\n');
      const served = JSON.parse(await answer) as string[];
      const byPath = new Map<string, number>();
      for (const r of served) byPath.set(r, (byPath.get(r) ?? 0) + 1);
      const token = byPath.get('POST /oauth2-token') ?? 0;
      byPath.delete('POST /oauth2-token');
      return { total: served.length - token, token, byPath };
    },
    close: async () => {
      child.stdin?.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** `12 requests (1 × GET /admin/api/orders, 11 × GET /admin/api/orders/…)`, most first. */
export function describeRequests(c: RequestCount): string {
  const parts = [...c.byPath].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${n} × ${p}`);
  return `${c.total} Oro requests after ${c.token} token request(s): ${parts.join(', ')}`;
}

/** Every order page, read and resolved as the job reads them and nothing more: the floor's fetch. */
export async function plainRead(url: string, staging: object): Promise<{ ms: number; read: number }> {
  const config = configSchema.parse({ oro: { url, ...CLIENT }, staging }) as Config;
  const oro = createOroClient(config);
  try {
    const t0 = performance.now();
    let read = 0;
    for await (const page of oro.readIncremental('orders', {
      since: null,
      overlapSeconds: 0,
      include: ORDER_INCLUDE,
      pageSize: config.oro.pageSize,
    })) {
      read += oro.resolveOrders(page).length;
    }
    return { ms: performance.now() - t0, read };
  } finally {
    await oro.close();
  }
}

const columnsOf = (t: TableDef): string[] => t.columns.filter((c) => !c.identity).map((c) => c.name);

async function measureSize(
  n: number,
  o: PushBenchOptions,
  probe: ProcessProbe,
  dir: string,
): Promise<SizeResult> {
  const lines = o.linesPerOrder ?? 5;
  const sandbox = await sandboxProcess({
    orders: n,
    customers: Math.max(50, Math.floor(n / 20)),
    linesPerOrder: [lines, lines],
    seed: 17,
  });
  const empty = await startSandbox({ clients: [CLIENT], recordRequests: false, seed: { orders: 0 } });
  const schema = `sgs_bench_${randomBytes(4).toString('hex')}`;
  const staging = { dialect: 'postgres', url: o.pgUrl, schema, tls: { enabled: false } };
  const client = new pg.Client({ connectionString: o.pgUrl });
  await client.connect();
  try {
    const cfg = writeConfig(dir, { oroUrl: sandbox.url, ...CLIENT, staging });
    const mig = await runCli(['migrate', '-c', cfg]);
    if (mig.code !== 0) throw new Error(`sagesync migrate: ${describeExit(mig)}`);

    // The sandbox serialises a record the first time it serves it and keeps the text: whoever
    // reads first pays that (2.5 s of the sandbox's 9.3 s of CPU over 20,000 orders, before its
    // garbage collection, on the two cores the reader shares with it, where real Oro has a
    // machine of its own). One untimed plain read first, so that the job and the floor both read
    // from a warm sandbox.
    await plainRead(sandbox.url, staging);
    await sandbox.requests();

    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    if (o.nodeOptions) env.NODE_OPTIONS = o.nodeOptions;
    const idleCfg = writeConfig(dir, { oroUrl: empty.url, ...CLIENT, staging });
    const node = o.node ?? process.execPath;
    const idle = await probe.run([CLI, 'push-orders', '-c', idleCfg, '--json'], { env, node });
    if (idle.code !== 0)
      throw new Error(`push-orders (empty Oro) exited ${idle.code}: ${idle.stderr.slice(-300)}`);
    const jobCfg = writeConfig(dir, { oroUrl: sandbox.url, ...CLIENT, staging }); // the same file again
    const m = await probe.run([CLI, 'push-orders', '-c', jobCfg, '--json'], { env, node });
    if (m.code !== 0 && m.code !== 1)
      throw new Error(`push-orders exited ${m.code}: ${m.stderr.slice(-300)}`);
    const requests = await sandbox.requests();
    o.log(`  push-orders ${n}: ${describeRequests(requests)}`);
    const q = (t: TableDef) => `"${schema}".sagesync_${t.name}`;
    const staged = Number((await client.query(`SELECT count(*) AS n FROM ${q(ORDER)}`)).rows[0].n);
    if (staged !== n)
      o.log(`  warning: ${n} orders in Oro, ${staged} staged (exit ${m.code}): ${m.stderr.slice(-1500)}`);

    // Floor, part 1: the same pages, fetched plainly (from the sandbox as warm as the job had it).
    const plain = await plainRead(sandbox.url, staging);
    const fetchMs = plain.ms;
    if (plain.read !== n) o.log(`  warning: the plain read returned ${plain.read} orders`);

    const copyMs = await copyFloorMs(client, schema);
    return {
      orders: n,
      jobMs: m.wallMs,
      floorMs: fetchMs + copyMs,
      fetchMs,
      copyMs,
      maxRssKb: m.maxRssKb,
      startupMs: idle.wallMs,
      requests: requests.total,
    };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await client.end();
    await sandbox.close();
    await empty.close();
  }
}

/**
 * Floor, part 2: one bulk COPY of the rows the job staged (orders and lines) into look-alike
 * tables, in one transaction; its duration (ms).
 */
export async function copyFloorMs(client: pg.Client, schema: string): Promise<number> {
  const q = (t: TableDef) => `"${schema}".sagesync_${t.name}`;
  const copies: [TableDef, Buffer][] = [];
  for (const t of [ORDER, ORDER_LINE]) {
    const cols = columnsOf(t).join(', ');
    await client.query(`CREATE TABLE "${schema}".floor_${t.name} (LIKE ${q(t)} INCLUDING ALL)`);
    const chunks: Buffer[] = [];
    for await (const c of client.query(copyTo(`COPY ${q(t)} (${cols}) TO STDOUT`))) chunks.push(c as Buffer);
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
  return performance.now() - c0;
}

const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
};

/** The median of each measured figure over the runs of one size. */
function medianOf(runs: SizeResult[]): SizeResult {
  const m = (k: keyof SizeResult): number => median(runs.map((r) => r[k]));
  return {
    orders: m('orders'),
    jobMs: m('jobMs'),
    floorMs: m('floorMs'),
    fetchMs: m('fetchMs'),
    copyMs: m('copyMs'),
    maxRssKb: m('maxRssKb'),
    startupMs: m('startupMs'),
    requests: m('requests'),
  };
}

/** Runs the sizes and returns the printed figures. */
export async function pushBench(o: PushBenchOptions): Promise<Figure[]> {
  const sizes = o.sizes ?? [1000, 20000];
  const runs = Math.max(1, o.runs ?? 3);
  const tmp = tempDir('push-bench');
  const probe = new ProcessProbe(tmp.dir);
  const results: SizeResult[] = [];
  const ratios = new Map<number, number[]>();
  const as =
    (o.nodeLabel ? ` (${o.nodeLabel})` : '') + (o.nodeOptions ? ` [NODE_OPTIONS=${o.nodeOptions}]` : '');
  if (o.nodeOptions) o.log(`  push-orders runs with NODE_OPTIONS=${o.nodeOptions}`);
  try {
    for (const n of sizes) {
      const each: SizeResult[] = [];
      for (let i = 1; i <= runs; i++) {
        o.log(`  push-orders: staging ${n} orders (run ${i} of ${runs})…`);
        const r = await measureSize(n, o, probe, tmp.dir);
        o.log(
          `  push-orders ${n}: job ${fmtMs(r.jobMs)} (of which process start-up ≈ ${fmtMs(r.startupMs)}), floor ${fmtMs(r.floorMs)} (fetch ${fmtMs(r.fetchMs)} + COPY ${fmtMs(r.copyMs)}), ${ratio(r.jobMs, r.floorMs)}, peak RSS ${fmtMb(r.maxRssKb)}`,
        );
        each.push(r);
      }
      ratios.set(
        n,
        each.map((r) => r.jobMs / r.floorMs),
      );
      results.push(medianOf(each));
    }
  } finally {
    tmp.remove();
  }
  const figures: Figure[] = [];
  const largest = results.at(-1);
  for (const r of results) {
    const rate = (r.orders / r.jobMs) * 1000;
    const floorRate = (r.orders / r.floorMs) * 1000;
    // The ratio of the medians' run-by-run ratios: job and floor of one run share its conditions.
    const x = median(ratios.get(r.orders) ?? [r.jobMs / r.floorMs]);
    const targeted = r === largest;
    figures.push({
      figure: `push-orders ${r.orders} orders × ${o.linesPerOrder ?? 5} lines${runs > 1 ? ` (median of ${runs})` : ''}${as}`,
      value: `${Math.round(rate)} orders/s`,
      floor: `${Math.round(floorRate)} orders/s`,
      ratio: `${x.toFixed(2)}×`,
      target: targeted ? '≥ 1000 orders/s, ≤ 1.5× floor' : `— (start-up ≈ ${fmtMs(r.startupMs)} of it)`,
      pass: targeted ? rate >= 1000 && x <= 1.5 : null,
    });
    figures.push({
      figure: `push-orders ${r.orders} orders: Oro requests per run${as}`,
      value: `${r.requests}`,
      floor: '',
      ratio: '',
      target: '',
      pass: null,
    });
  }
  const first = results[0];
  if (first && largest && largest !== first) {
    figures.push({
      figure: `push-orders peak RSS ${largest.orders} vs ${first.orders} orders${as}`,
      value: fmtMb(largest.maxRssKb),
      floor: fmtMb(first.maxRssKb),
      ratio: ratio(largest.maxRssKb, first.maxRssKb),
      target: '(retired; see the memory figures)',
      pass: null,
    });
  }
  return figures;
}
