/**
 * Measures a child Node process: wall time, peak RSS and which packages it loaded. Peak RSS comes
 * from GNU time (`/usr/bin/time -v`, "Maximum resident set size") when present, else from
 * `process.resourceUsage().maxRSS` written at exit by a preloaded probe. The loaded-package trace
 * always uses the probe: CommonJS packages (mssql, nodemailer, pg) land in `require.cache` even
 * when imported from ESM, and an ESM resolve hook records ESM packages (pglite).
 * With `heapEveryMs`, the probe also forces a full garbage collection every so often and keeps
 * the largest live heap it saw (V8's used heap size right after the collection): what the
 * process holds, without the garbage V8 lets pile up between collections. That run is slower
 * and its RSS is not the RSS of a run without flags, so it is a run of its own.
 * `node` runs another Node binary (the per-Node-version figures).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { trackChild } from '../common/tool-process.js';

const PROBE = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const out = process.env.SAGESYNC_PROBE_OUT;
const req = createRequire(import.meta.url);
if (process.env.SAGESYNC_PROBE_MODULES === '1') register(new URL('./probe-hooks.mjs', import.meta.url), { data: { out } });
let heap = 0, samples = 0;
const every = Number(process.env.SAGESYNC_PROBE_HEAP_MS);
if (every > 0) {
  const v8 = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  // The same as --expose-gc, set from here so that no flag is needed on the command line.
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const sample = () => {
    gc();
    heap = Math.max(heap, v8.getHeapStatistics().used_heap_size);
    samples++;
  };
  setInterval(sample, every).unref();
  process.on('exit', sample);
}
process.on('exit', () => {
  appendFileSync(out, JSON.stringify({ kind: 'exit', maxRSS: process.resourceUsage().maxRSS, heap, samples, cjs: Object.keys(req.cache) }) + '\\n');
});
`;
const HOOKS = `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.includes('/node_modules/')) appendFileSync(out, JSON.stringify({ kind: 'esm', url: r.url }) + '\\n');
  return r;
}
`;

const GNU_TIME = '/usr/bin/time';

export interface Measured {
  wallMs: number;
  maxRssKb: number;
  code: number | null;
  stderr: string;
  /** Packages loaded (only with `trace`). */
  packages?: Set<string>;
  rssSource: 'gnu-time' | 'resourceUsage';
  /** With `heapEveryMs`: the largest live heap seen after a forced collection (bytes). */
  liveHeapBytes?: number;
  /** With `heapEveryMs`: how many collections were forced. */
  heapSamples?: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  trace?: boolean;
  /** The Node binary to run (default: this one). */
  node?: string;
  /** Force a full collection every so many ms and keep the largest live heap (see above). */
  heapEveryMs?: number;
}

function packageOf(file: string): string | null {
  const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file.replace(/\\/g, '/'));
  return m?.[1] ?? null;
}

export class ProcessProbe {
  private readonly probeFile: string;
  constructor(private readonly dir: string) {
    this.probeFile = path.join(dir, 'probe.mjs');
    writeFileSync(this.probeFile, PROBE);
    writeFileSync(path.join(dir, 'probe-hooks.mjs'), HOOKS);
  }

  get useGnuTime(): boolean {
    return existsSync(GNU_TIME);
  }

  /** Runs `node <args>`; with `trace`, records loaded packages (the probe adds a little RSS). */
  async run(args: readonly string[], opts: RunOptions = {}): Promise<Measured> {
    const out = path.join(this.dir, `probe-${process.hrtime.bigint()}.jsonl`);
    const gnu = this.useGnuTime && !opts.trace && !opts.heapEveryMs;
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (!gnu) {
      env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(this.probeFile).href}`.trim();
      env.SAGESYNC_PROBE_OUT = out;
      env.SAGESYNC_PROBE_MODULES = opts.trace ? '1' : '0';
      env.SAGESYNC_PROBE_HEAP_MS = String(opts.heapEveryMs ?? 0);
    }
    const node = opts.node ?? process.execPath;
    const [cmd, argv] = gnu ? [GNU_TIME, ['-v', node, ...args]] : [node, [...args]];
    const started = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = trackChild(spawn(cmd, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] }));
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('error', reject);
      child.once('close', (c) => resolve({ code: c, stderr: err }));
    });
    const wallMs = performance.now() - started;
    if (gnu) {
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const status = /Exit status: (\d+)/.exec(stderr);
      return {
        wallMs,
        maxRssKb: m ? Number(m[1]) : NaN,
        code: status ? Number(status[1]) : code,
        stderr,
        rssSource: 'gnu-time',
      };
    }
    const lines = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean) : [];
    rmSync(out, { force: true });
    const packages = new Set<string>();
    let maxRssKb = NaN;
    let heap: { liveHeapBytes: number; heapSamples: number } | undefined;
    for (const l of lines) {
      const rec = JSON.parse(l) as {
        kind: string;
        maxRSS?: number;
        heap?: number;
        samples?: number;
        cjs?: string[];
        url?: string;
      };
      if (rec.kind === 'exit') {
        maxRssKb = rec.maxRSS ?? NaN;
        if (opts.heapEveryMs) heap = { liveHeapBytes: rec.heap ?? NaN, heapSamples: rec.samples ?? 0 };
        for (const f of rec.cjs ?? []) {
          const p = packageOf(f);
          if (p) packages.add(p);
        }
      } else if (rec.url) {
        const p = packageOf(rec.url);
        if (p) packages.add(p);
      }
    }
    return { wallMs, maxRssKb, code, stderr, packages, rssSource: 'resourceUsage', ...heap };
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}
