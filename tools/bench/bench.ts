/**
 * `npm run bench`: prints figures, asserts nothing in tests (machines are noisy), exits non-zero
 * only when a figure misses its target so CI can show it. Sections:
 *   (a) idle run-all: wall time and peak RSS vs `node -e 0`, lazy loading (idle-bench.ts)
 *   (b) push-orders throughput into PostgreSQL vs a plain fetch + COPY floor (push-bench.ts)
 *   (c) pull-tracking Oro requests per row (tracking-bench.ts)
 *   (d) sandbox throughput (sandbox-bench.ts)
 *   (e) push-orders catch-up against a slow Oro vs its sequential floor (slow-oro-bench.ts)
 *   (f) steady state: Oro requests of an idle run-all and of one after 10 new orders (steady-bench.ts)
 *   (g) memory: peak RSS and live heap of push-orders catch-ups of 1,000 and 60,000 orders, per
 *       Node version (memory-bench.ts)
 * Sections b and g run the job under each Node of BENCH_NODES (nodes.ts; default this one and the
 * Node 22 and 24 builds .ci/run keeps); section b runs only its largest size under the others.
 * Environment: SAGESYNC_TEST_PG_URL (PostgreSQL sections), BENCH_RUNS (idle runs, default 5),
 * BENCH_PUSH_SIZES (e.g. `1000,20000`), BENCH_PUSH_RUNS (runs per size, medians printed, default 3),
 * BENCH_TRACKING_ROWS (default 500), BENCH_ONLY (e.g. `a,c`), BENCH_NODE_OPTIONS (`NODE_OPTIONS` for
 * the push-orders job processes, e.g. heap flags whose cost is to be measured), BENCH_SLOW_ORDERS
 * (section e, default 20000: its floor alone takes about 4 minutes), BENCH_MEMORY_SIZES (section g,
 * default `1000,60000`).
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import { runTool } from '../common/tool-process.js';
import { failed, figuresTable, skipped, type Figure } from './figure.js';
import { idleBench } from './idle-bench.js';
import { memoryBench } from './memory-bench.js';
import { benchNodes } from './nodes.js';
import { pushBench } from './push-bench.js';
import { runSandboxBench } from './sandbox-bench.js';
import { slowOroBench } from './slow-oro-bench.js';
import { steadyState } from './steady-bench.js';
import { trackingBench } from './tracking-bench.js';

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const only = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d,e,f,g').split(',').map((s) => s.trim()));
const num = (v: string | undefined, d: number): number => (v && Number.isFinite(Number(v)) ? Number(v) : d);

async function section(key: string, title: string, fn: () => Promise<Figure[]>): Promise<Figure[]> {
  if (!only.has(key)) return [];
  log(`\n(${key}) ${title}`);
  const started = performance.now();
  try {
    const figures = await fn();
    log(`  … ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return figures;
  } catch (err) {
    log(`  error: ${(err as Error).stack ?? String(err)}`);
    return [failed(title, err)];
  }
}

async function main(): Promise<void> {
  const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
  log(
    `sagesync bench — Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), ${new Date().toISOString()}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const nodes = benchNodes();
  log(`job processes under: ${nodes.map((n) => n.label).join(', ')} (BENCH_NODES)`);
  const figures: Figure[] = [];
  figures.push(
    ...(await section('a', 'idle run-all (nothing to do)', () =>
      idleBench({ runs: num(process.env.BENCH_RUNS, 5), log }),
    )),
  );
  figures.push(
    ...(await section('b', 'push-orders into PostgreSQL', async () => {
      if (!pgUrl)
        return [skipped('push-orders throughput', 'SAGESYNC_TEST_PG_URL is not set', '≥ 1,000 orders/s')];
      const sizes = process.env.BENCH_PUSH_SIZES?.split(',').map(Number) ?? [1000, 20000];
      const out: Figure[] = [];
      for (const [i, n] of nodes.entries()) {
        out.push(
          ...(await pushBench({
            pgUrl,
            log,
            runs: num(process.env.BENCH_PUSH_RUNS, 3),
            // Under the other Node versions only the size with the target.
            sizes: i === 0 ? sizes : sizes.slice(-1),
            ...(n.node ? { node: n.node } : {}),
            ...(nodes.length > 1 ? { nodeLabel: n.label } : {}),
            ...(process.env.BENCH_NODE_OPTIONS ? { nodeOptions: process.env.BENCH_NODE_OPTIONS } : {}),
          })),
        );
      }
      return out;
    })),
  );
  figures.push(
    ...(await section('c', 'pull-tracking Oro requests per row', () =>
      trackingBench({ orders: num(process.env.BENCH_TRACKING_ROWS, 500), log }),
    )),
  );
  figures.push(
    ...(await section('d', 'sandbox throughput', async () => {
      const r = await runSandboxBench(num(process.env.BENCH_SANDBOX_ORDERS, 20_000));
      log(`  ${r.orders} orders, ${r.lines} lines, ${r.servedMegabytes.toFixed(1)} MB served`);
      return [
        {
          figure: 'sandbox orders served per second (raw reader)',
          value: `${Math.round(r.servedOrdersPerSecond)} orders/s`,
          floor: '',
          ratio: '',
          target: '≥ 5,000 orders/s',
          pass: r.servedOrdersPerSecond >= 5000,
        },
        {
          figure: 'orders read per second through the Oro client',
          value: `${Math.round(r.ordersPerSecond)} orders/s`,
          floor: '',
          ratio: '',
          target: '',
          pass: null,
        },
      ];
    })),
  );
  figures.push(
    ...(await section('e', 'push-orders catch-up against a slow Oro', async () => {
      if (!pgUrl) return [skipped('slow-Oro catch-up', 'SAGESYNC_TEST_PG_URL is not set', '≥ 3× floor')];
      return slowOroBench({ pgUrl, orders: num(process.env.BENCH_SLOW_ORDERS, 20_000), log });
    })),
  );
  figures.push(
    ...(await section('f', 'steady state: Oro requests per run-all', async () => {
      if (!pgUrl) return [skipped('steady state', 'SAGESYNC_TEST_PG_URL is not set', '≤ 3 GETs')];
      const schema = `sgs_steady_${Date.now().toString(36)}`;
      const staging = { dialect: 'postgres', url: pgUrl, schema, tls: { enabled: false } };
      const c = await steadyState({ staging, log }).finally(async () => {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
      });
      return [
        {
          figure: 'idle run-all, 2,000 orders in the overlap window: Oro GETs after the token',
          value: `${c.idleGets} GETs (orders: ${c.idleOrderGets})`,
          floor: '',
          ratio: '',
          target: '≤ 3 GETs',
          pass: c.idleGets <= 3,
        },
        {
          figure: 'run-all after 10 new orders: order requests',
          value: `${c.newOrderRequests} (${c.newGets} GETs in all)`,
          floor: '',
          ratio: '',
          target: '≤ 3 order requests',
          pass: c.newOrderRequests <= 3,
        },
      ];
    })),
  );
  figures.push(
    ...(await section('g', 'memory: push-orders catch-ups, per Node version', async () => {
      if (!pgUrl)
        return [skipped('memory at a catch-up', 'SAGESYNC_TEST_PG_URL is not set', '≤ 256 MB, ≤ 1.2×')];
      const sizes = process.env.BENCH_MEMORY_SIZES?.split(',').map(Number);
      const out: Figure[] = [];
      for (const n of nodes) {
        out.push(
          ...(await memoryBench({
            pgUrl,
            log,
            nodeLabel: n.label,
            ...(n.node ? { node: n.node } : {}),
            ...(sizes?.length === 2 ? { sizes: sizes as [number, number] } : {}),
          })),
        );
      }
      return out;
    })),
  );
  log(
    `\nFigures (load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})\n${figuresTable(figures)}`,
  );
  const missed = figures.filter((f) => f.pass === false);
  log(missed.length === 0 ? '\nEvery target met.' : `\n${missed.length} figure(s) missed the target.`);
  if (missed.length > 0) process.exitCode = 1;
}

const USAGE = `Usage: [VARIABLE=value …] npm run bench [-- --help]
  Prints performance figures against floors measured in the same run; exits 1 when a figure
  misses its target. Sections (a)-(g): docs/demo-bench-chaos.md. Configured by environment:
    SAGESYNC_TEST_PG_URL   PostgreSQL for sections b, e, f, g (skipped without it)
    BENCH_ONLY             sections to run, e.g. a,c (default all)
    BENCH_RUNS             idle runs (default 5)
    BENCH_PUSH_SIZES       push-orders sizes, e.g. 1000,20000
    BENCH_PUSH_RUNS        runs per size, medians printed (default 3)
    BENCH_TRACKING_ROWS    pull-tracking rows (default 500)
    BENCH_SANDBOX_ORDERS   sandbox throughput orders (default 20000)
    BENCH_SLOW_ORDERS      section e orders (default 20000)
    BENCH_MEMORY_SIZES     section g sizes (default 1000,60000)
    BENCH_NODES            Node binaries the job processes run under
    BENCH_NODE_OPTIONS     NODE_OPTIONS for the push-orders job processes
  Ctrl-C (or SIGTERM) stops it and the processes it started.
`;

void runTool({ name: 'bench', usage: USAGE, main });
