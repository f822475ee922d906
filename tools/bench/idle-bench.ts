/**
 * (a) An idle `run-all` (nothing to do) as cron runs it: a fresh `node bin/sagesync` process,
 * against the embedded database and, when SAGESYNC_TEST_PG_URL is set, PostgreSQL. Wall time and
 * peak RSS against `node -e 0` measured in the same run (targets ≤ 8×, ≤ 100 MB), and the lazy
 * loading that keeps it small: no mssql on PostgreSQL, no nodemailer when nothing is sent.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CLI, describeExit, parseJsonOutput, runCli, tempDir, writeConfig } from '../demo/harness.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import { startSandbox } from '../sandbox/index.js';
import { fmtMb, fmtMs, ratio, skipped, type Figure } from './figure.js';
import { median, ProcessProbe, type Measured } from './process-probe.js';

const CLIENT = { clientId: 'bench', clientSecret: 'bench-secret' };

export interface IdleOptions {
  runs: number;
  log: (line: string) => void;
}

/** The environment of the measured processes: no inherited loaders (tsx, a debugger). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

async function backendFigures(
  name: 'embedded' | 'postgres',
  staging: Record<string, unknown>,
  probe: ProcessProbe,
  o: IdleOptions,
  dir: string,
): Promise<Figure[]> {
  const sandbox = await startSandbox({ clients: [CLIENT], seed: { orders: 20, seed: 3 } });
  try {
    const cfg = writeConfig(dir, { oroUrl: sandbox.url, ...CLIENT, staging });
    const must = async (args: string[]): Promise<RunSummary | null> => {
      const r = await runCli([...args, '-c', cfg, '--json']);
      if (r.code !== 0) throw new Error(`sagesync ${args[0]} (${name}): ${describeExit(r)}`);
      return parseJsonOutput<RunSummary>(r.stdout);
    };
    await must(['migrate']);
    await must(['run-all']); // stages the 20 orders: afterwards there is nothing to do
    const idle = await must(['run-all']);
    const written = idle?.jobs.reduce((n, j) => n + j.counts.written, 0) ?? NaN;
    if (written !== 0) o.log(`  warning: the "idle" run-all on ${name} still wrote ${written} row(s)`);
    const env = cleanEnv();
    const runs: Measured[] = [];
    const floors: Measured[] = [];
    for (let i = 0; i < o.runs; i++) {
      floors.push(await probe.run(['-e', '0'], { env }));
      const m = await probe.run([CLI, 'run-all', '-c', cfg], { env });
      if (m.code !== 0) throw new Error(`idle run-all (${name}) exited ${m.code}: ${m.stderr.slice(-300)}`);
      runs.push(m);
    }
    const traced = await probe.run([CLI, 'run-all', '-c', cfg], { env, trace: true });
    const pkgs = [...(traced.packages ?? [])].sort();
    o.log(`  idle run-all on ${name} loaded ${pkgs.length} packages: ${pkgs.join(', ')}`);
    const wall = median(runs.map((r) => r.wallMs));
    const wall0 = median(floors.map((r) => r.wallMs));
    const rss = Math.max(...runs.map((r) => r.maxRssKb));
    const rss0 = Math.max(...floors.map((r) => r.maxRssKb));
    const loaded = (p: string) => traced.packages?.has(p) ?? false;
    const wallRatio = wall / wall0;
    // The targets are for the production backends; the embedded database is PostgreSQL compiled to
    // WASM inside the process (for demos and trials), so its figures are shown for information.
    const judge = (ok: boolean): boolean | null => (name === 'embedded' ? null : ok);
    const tgt = (t: string): string => (name === 'embedded' ? `(${t}: info only)` : t);
    const figures: Figure[] = [
      {
        figure: `idle run-all wall time, ${name} (median of ${o.runs})`,
        value: fmtMs(wall),
        floor: `${fmtMs(wall0)} (node -e 0)`,
        ratio: ratio(wall, wall0),
        target: tgt('≤ 8×'),
        pass: judge(wallRatio <= 8),
      },
      {
        figure: `idle run-all peak RSS, ${name} (max of ${o.runs}, ${runs[0]?.rssSource})`,
        value: fmtMb(rss),
        floor: `${fmtMb(rss0)} (node -e 0)`,
        ratio: ratio(rss, rss0),
        target: tgt('≤ 100 MB'),
        pass: judge(rss <= 100 * 1024),
      },
      {
        figure: `nodemailer loaded by an idle run-all, ${name}`,
        value: loaded('nodemailer') ? 'yes' : 'no',
        floor: '',
        ratio: '',
        target: 'no',
        pass: !loaded('nodemailer'),
      },
    ];
    if (name === 'postgres') {
      figures.push({
        figure: 'mssql/tedious loaded by an idle run-all, postgres',
        value: loaded('mssql') || loaded('tedious') ? 'yes' : 'no',
        floor: '',
        ratio: '',
        target: 'no',
        pass: !(loaded('mssql') || loaded('tedious')),
      });
    } else {
      figures.push({
        figure: 'mssql/pg loaded by an idle run-all, embedded',
        value: ['mssql', 'tedious', 'pg'].filter(loaded).join(', ') || 'neither',
        floor: '',
        ratio: '',
        target: 'neither',
        pass: !['mssql', 'tedious', 'pg'].some(loaded),
      });
    }
    return figures;
  } finally {
    await sandbox.close();
  }
}

export async function idleBench(o: IdleOptions): Promise<Figure[]> {
  const tmp = tempDir('bench-idle');
  const probe = new ProcessProbe(tmp.dir);
  const out: Figure[] = [];
  try {
    o.log(
      `idle run-all: ${o.runs} runs per backend, peak RSS from ${probe.useGnuTime ? '/usr/bin/time -v' : 'process.resourceUsage()'}`,
    );
    out.push(
      ...(await backendFigures(
        'embedded',
        { dialect: 'embedded', path: path.join(tmp.dir, 'staging') },
        probe,
        o,
        tmp.dir,
      )),
    );
    const url = process.env.SAGESYNC_TEST_PG_URL;
    if (!url) {
      out.push(skipped('idle run-all, postgres', 'SAGESYNC_TEST_PG_URL is not set'));
    } else {
      const schema = `bench_idle_${randomBytes(4).toString('hex')}`;
      const staging = { dialect: 'postgres', url, schema, tls: { enabled: false } };
      try {
        out.push(...(await backendFigures('postgres', staging, probe, o, tmp.dir)));
      } finally {
        await dropSchema(url, schema);
      }
    }
    return out;
  } finally {
    tmp.remove();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
