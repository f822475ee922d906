/**
 * Memory at a catch-up (issue 21): `sagesync push-orders` stages N orders × 5 lines (N / 20
 * customers, as in push-bench.ts) from a sandbox in a process of its own into PostgreSQL, at a
 * small and a large N (default 1,000 and 60,000), each size run twice on fresh tables:
 *  - as cron runs it, without any Node flag: its peak RSS (GNU time). Target: ≤ 256 MB at the
 *    large N.
 *  - with a probe (process-probe.ts) that forces a full garbage collection every so often and
 *    keeps the largest live heap it saw. Target: at the large N ≤ 1.2× at the small N, that is,
 *    nothing the job keeps grows with the size of the backlog. The small run is short, so it is
 *    sampled more often (SMALL_EVERY_MS) than the large one (LARGE_EVERY_MS, which keeps the
 *    forced collections from dominating a run of minutes).
 * RSS is the larger figure because V8 lets garbage pile up between full collections (short
 * strings from JSON.parse above all); the live heap is what the job holds.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CLI, describeExit, runCli, tempDir, writeConfig } from '../demo/harness.js';
import { ORDER } from '../../src/staging/tables.js';
import { fmtMb, fmtMs, ratio, type Figure } from './figure.js';
import { ProcessProbe, type Measured } from './process-probe.js';
import { CLIENT, describeRequests, sandboxProcess } from './push-bench.js';

const RSS_TARGET_MB = 256;
const LIVE_HEAP_TARGET = 1.2;
const SMALL_EVERY_MS = 250;
const LARGE_EVERY_MS = 1000;

export interface MemoryBenchOptions {
  pgUrl: string;
  /** [small, large]; default [1000, 60000]. */
  sizes?: [number, number];
  /** The Node binary of the job's processes (default: this one), named by `nodeLabel`. */
  node?: string;
  nodeLabel: string;
  log: (line: string) => void;
}

interface SizeMemory {
  orders: number;
  rss: Measured;
  heap: Measured;
  requests: number;
}

async function measure(
  n: number,
  o: MemoryBenchOptions,
  probe: ProcessProbe,
  dir: string,
): Promise<SizeMemory> {
  const sandbox = await sandboxProcess({
    orders: n,
    customers: Math.max(50, Math.floor(n / 20)),
    linesPerOrder: [5, 5],
    seed: 17,
  });
  const client = new pg.Client({ connectionString: o.pgUrl });
  await client.connect();
  const schemas: string[] = [];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  /** One push-orders catch-up into fresh tables. */
  const catchUp = async (heapEveryMs?: number): Promise<Measured> => {
    const schema = `sgs_mem_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const staging = { dialect: 'postgres', url: o.pgUrl, schema, tls: { enabled: false } };
    const cfg = writeConfig(dir, { oroUrl: sandbox.url, ...CLIENT, staging });
    const mig = await runCli(['migrate', '-c', cfg]);
    if (mig.code !== 0) throw new Error(`sagesync migrate: ${describeExit(mig)}`);
    await sandbox.requests();
    const m = await probe.run([CLI, 'push-orders', '-c', cfg, '--json'], {
      env,
      ...(o.node ? { node: o.node } : {}),
      ...(heapEveryMs ? { heapEveryMs } : {}),
    });
    if (m.code !== 0 && m.code !== 1)
      throw new Error(`push-orders exited ${m.code}: ${m.stderr.slice(-300)}`);
    const q = `SELECT count(*) AS n FROM "${schema}".sagesync_${ORDER.name}`;
    const staged = Number((await client.query(q)).rows[0].n);
    if (staged !== n) o.log(`  warning: ${n} orders in Oro, ${staged} staged (exit ${m.code})`);
    return m;
  };
  try {
    const rss = await catchUp();
    const requests = await sandbox.requests();
    o.log(
      `  ${n} orders, no flags: ${fmtMs(rss.wallMs)}, peak RSS ${fmtMb(rss.maxRssKb)}; ${describeRequests(requests)}`,
    );
    const every = n <= 5000 ? SMALL_EVERY_MS : LARGE_EVERY_MS;
    const heap = await catchUp(every);
    o.log(
      `  ${n} orders, full collection every ${every} ms: ${fmtMs(heap.wallMs)}, largest live heap ` +
        `${fmtMb((heap.liveHeapBytes ?? NaN) / 1024)} over ${heap.heapSamples ?? 0} collections`,
    );
    return { orders: n, rss, heap, requests: requests.total };
  } finally {
    for (const s of schemas)
      await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
    await client.end();
    await sandbox.close();
  }
}

export async function memoryBench(o: MemoryBenchOptions): Promise<Figure[]> {
  const [small, large] = o.sizes ?? [1000, 60000];
  const tmp = tempDir('memory-bench');
  const probe = new ProcessProbe(tmp.dir);
  try {
    o.log(`  ${o.nodeLabel}: push-orders catch-ups of ${small} and ${large} orders…`);
    const a = await measure(small, o, probe, tmp.dir);
    const b = await measure(large, o, probe, tmp.dir);
    const heapA = (a.heap.liveHeapBytes ?? NaN) / 1024;
    const heapB = (b.heap.liveHeapBytes ?? NaN) / 1024;
    return [
      {
        figure: `push-orders catch-up of ${large} orders, peak RSS, no Node flags (${o.nodeLabel})`,
        value: fmtMb(b.rss.maxRssKb),
        floor: `${fmtMb(a.rss.maxRssKb)} at ${small}`,
        ratio: ratio(b.rss.maxRssKb, a.rss.maxRssKb),
        target: `≤ ${RSS_TARGET_MB} MB`,
        pass: b.rss.maxRssKb / 1024 <= RSS_TARGET_MB,
      },
      {
        figure: `live heap after a forced collection, ${large} vs ${small} orders (${o.nodeLabel})`,
        value: fmtMb(heapB),
        floor: fmtMb(heapA),
        ratio: ratio(heapB, heapA),
        target: `≤ ${LIVE_HEAP_TARGET}×`,
        pass: heapB / heapA <= LIVE_HEAP_TARGET,
      },
      {
        figure: `push-orders catch-up of ${large} orders: Oro requests per run (${o.nodeLabel})`,
        value: String(b.requests),
        floor: '',
        ratio: '',
        target: '',
        pass: null,
      },
    ];
  } finally {
    tmp.remove();
  }
}
