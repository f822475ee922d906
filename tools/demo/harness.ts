/**
 * What the demo, the benchmarks and the chaos harness share: temp dirs, a sagesync config file,
 * and the built CLI run as a child process (the real product, exactly as cron runs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { atCleanup, trackChild } from '../common/tool-process.js';

/** The repository root: the nearest folder with a package.json above tools/demo/ or dist-tools/tools/demo/. */
export const REPO_ROOT = repoRoot(path.dirname(fileURLToPath(import.meta.url)));
export const CLI = path.join(REPO_ROOT, 'bin', 'sagesync');

function repoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** A temp dir, also removed when the tool is stopped by a signal (tools/common/tool-process.ts). */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `sagesync-${prefix}-`));
  const rm = (): void => rmSync(dir, { recursive: true, force: true });
  const forget = atCleanup(rm);
  return {
    dir,
    remove: () => {
      forget();
      rm();
    },
  };
}

export interface HarnessConfigInput {
  oroUrl: string;
  clientId: string;
  clientSecret: string;
  /** The `staging` section as written to the file. */
  staging: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** Writes `sagesync.json` in `dir` and returns its path. */
export function writeConfig(dir: string, c: HarnessConfigInput): string {
  const file = path.join(dir, 'sagesync.json');
  const config = {
    oro: { url: c.oroUrl, clientId: c.clientId, clientSecret: c.clientSecret },
    staging: c.staging,
    logging: { format: 'json' },
    ...c.extra,
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Starts `node bin/sagesync <args>`; `done` settles when it exits (killed or not). */
export function startCli(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; node?: readonly string[] } = {},
): CliRun {
  const started = performance.now();
  const child = trackChild(
    spawn(process.execPath, [...(opts.node ?? []), CLI, ...args], {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
  return { child, done };
}

export function runCli(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return startCli(args, { timeoutMs: 120_000, ...opts }).done;
}

/** The JSON envelope `--json` prints (src/cli/output.ts). */
interface JsonEnvelope<T> {
  command: string | null;
  ok: boolean;
  exitCode: number;
  result?: T;
  error?: { message?: string };
}

/** Parses the one JSON object `--json` prints and returns its `result` (null when none). */
export function parseJsonOutput<T = unknown>(stdout: string): T | null {
  const text = stdout.trim();
  if (!text) return null;
  let env: JsonEnvelope<T>;
  try {
    env = JSON.parse(text) as JsonEnvelope<T>;
  } catch {
    const last = text
      .split('\n')
      .reverse()
      .find((l) => l.trim().startsWith('{'));
    if (!last) return null;
    env = JSON.parse(last) as JsonEnvelope<T>;
  }
  return env.result ?? null;
}

export function describeExit(r: CliResult): string {
  const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' | ');
  return r.signal ? `killed by ${r.signal}` : `exit ${r.code}${tail ? `: ${tail.slice(0, 400)}` : ''}`;
}
