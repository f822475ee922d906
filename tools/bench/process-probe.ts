/**
 * Measures a child Node process: wall time, peak RSS and which packages it loaded. Peak RSS comes
 * from GNU time (`/usr/bin/time -v`, "Maximum resident set size") when present, else from
 * `process.resourceUsage().maxRSS` written at exit by a preloaded probe. The loaded-package trace
 * always uses the probe: CommonJS packages (mssql, nodemailer, pg) land in `require.cache` even
 * when imported from ESM, and an ESM resolve hook records ESM packages (pglite).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const PROBE = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const out = process.env.SAGESYNC_PROBE_OUT;
const req = createRequire(import.meta.url);
if (process.env.SAGESYNC_PROBE_MODULES === '1') register(new URL('./probe-hooks.mjs', import.meta.url), { data: { out } });
process.on('exit', () => {
  appendFileSync(out, JSON.stringify({ kind: 'exit', maxRSS: process.resourceUsage().maxRSS, cjs: Object.keys(req.cache) }) + '\\n');
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

export const GNU_TIME = '/usr/bin/time';

export interface Measured {
  wallMs: number;
  maxRssKb: number;
  code: number | null;
  stderr: string;
  /** Packages loaded (only with `trace`). */
  packages?: Set<string>;
  rssSource: 'gnu-time' | 'resourceUsage';
}

export function packageOf(file: string): string | null {
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
  async run(
    args: readonly string[],
    opts: { env?: NodeJS.ProcessEnv; trace?: boolean } = {},
  ): Promise<Measured> {
    const out = path.join(this.dir, `probe-${process.hrtime.bigint()}.jsonl`);
    const gnu = this.useGnuTime && !opts.trace;
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (!gnu) {
      env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(this.probeFile).href}`.trim();
      env.SAGESYNC_PROBE_OUT = out;
      env.SAGESYNC_PROBE_MODULES = opts.trace ? '1' : '0';
    }
    const [cmd, argv] = gnu ? [GNU_TIME, ['-v', process.execPath, ...args]] : [process.execPath, [...args]];
    const started = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(cmd, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
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
    for (const l of lines) {
      const rec = JSON.parse(l) as { kind: string; maxRSS?: number; cjs?: string[]; url?: string };
      if (rec.kind === 'exit') {
        maxRssKb = rec.maxRSS ?? NaN;
        for (const f of rec.cjs ?? []) {
          const p = packageOf(f);
          if (p) packages.add(p);
        }
      } else if (rec.url) {
        const p = packageOf(rec.url);
        if (p) packages.add(p);
      }
    }
    return { wallMs, maxRssKb, code, stderr, packages, rssSource: 'resourceUsage' };
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}
