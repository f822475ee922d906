/**
 * Catch-up against a slow Oro (issue 21): N orders × 5 lines from a sandbox (a process of its
 * own) that answers in 300 ms plus 1 ms per record served (a quarter of that for a sparse
 * fieldset), staged by `sagesync push-orders` with the default `oro.concurrency`. The floor,
 * measured in the same run against the same sandbox: the same orders read sequentially page by
 * page (100 with the job's includes, the pre-issue-21 read) plus one bulk COPY of the staged rows.
 * Target: the job at least 3× faster than that floor.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CLI, describeExit, runCli, tempDir, writeConfig } from '../demo/harness.js';
import { ORDER } from '../../src/staging/tables.js';
import { fmtMb, fmtMs, ratio, type Figure } from './figure.js';
import { CLIENT, copyFloorMs, describeRequests, plainRead, sandboxProcess } from './push-bench.js';
import { ProcessProbe } from './process-probe.js';

const SLOW_ORO = { latencyMs: 300, perRecordMs: 1 };

export async function slowOroBench(o: {
  pgUrl: string;
  orders: number;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const n = o.orders;
  const tmp = tempDir('slow-oro');
  const probe = new ProcessProbe(tmp.dir);
  const sandbox = await sandboxProcess(
    { orders: n, customers: Math.max(50, Math.floor(n / 20)), linesPerOrder: [5, 5], seed: 17 },
    SLOW_ORO,
  );
  const schema = `sgs_slow_${randomBytes(4).toString('hex')}`;
  const staging = { dialect: 'postgres', url: o.pgUrl, schema, tls: { enabled: false } };
  const client = new pg.Client({ connectionString: o.pgUrl });
  await client.connect();
  try {
    const cfg = writeConfig(tmp.dir, { oroUrl: sandbox.url, ...CLIENT, staging });
    const mig = await runCli(['migrate', '-c', cfg]);
    if (mig.code !== 0) throw new Error(`sagesync migrate: ${describeExit(mig)}`);
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    o.log(`  push-orders: ${n} orders from an Oro answering in 300 ms + 1 ms per record…`);
    const m = await probe.run([CLI, 'push-orders', '-c', cfg, '--json'], { env });
    if (m.code !== 0 && m.code !== 1)
      throw new Error(`push-orders exited ${m.code}: ${m.stderr.slice(-300)}`);
    const requests = await sandbox.requests();
    o.log(`  slow Oro ${n}: ${describeRequests(requests)}`);
    const staged = Number(
      (await client.query(`SELECT count(*) AS n FROM "${schema}".sagesync_${ORDER.name}`)).rows[0].n,
    );
    if (staged !== n) o.log(`  warning: ${n} orders in Oro, ${staged} staged (exit ${m.code})`);
    o.log(`  floor: the same orders read page by page, sequentially, with their includes…`);
    const plain = await plainRead(sandbox.url, staging);
    const floorRequests = (await sandbox.requests()).total;
    const copyMs = await copyFloorMs(client, schema);
    const floorMs = plain.ms + copyMs;
    const x = floorMs / m.wallMs;
    o.log(
      `  slow Oro ${n}: job ${fmtMs(m.wallMs)}, floor ${fmtMs(floorMs)} (fetch ${fmtMs(plain.ms)} + COPY ${fmtMs(copyMs)}), ${x.toFixed(2)}× faster, peak RSS ${fmtMb(m.maxRssKb)}`,
    );
    return [
      {
        figure: `push-orders catch-up, ${n} orders × 5 lines, Oro 300 ms + 1 ms/record (concurrency 4)`,
        value: `${Math.round((n / m.wallMs) * 1000)} orders/s`,
        floor: `${Math.round((n / floorMs) * 1000)} orders/s`,
        ratio: `${x.toFixed(2)}× faster`,
        target: '≥ 3× faster than the sequential floor',
        pass: x >= 3,
      },
      {
        figure: `push-orders catch-up, ${n} orders: Oro requests per run`,
        value: `${requests.total}`,
        floor: `${floorRequests} (the floor's read)`,
        ratio: ratio(requests.total, floorRequests),
        target: '',
        pass: null,
      },
    ];
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await client.end();
    await sandbox.close();
    tmp.remove();
  }
}
