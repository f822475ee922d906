/**
 * The built CLI against the Oro sandbox (in this process) and a migrated staging database (a
 * random schema on PostgreSQL when SAGESYNC_TEST_PG_URL is set, else an embedded database), as an
 * operator meets it: a configuration file, `node bin/sagesync …` in a child process. The sandbox
 * lives here, so children are spawned asynchronously.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox, SeedOptions } from '../../tools/sandbox/types.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { ROOT } from './helpers.js';

export const CLI = join(ROOT, 'bin', 'sagesync');
const CLIENT = { clientId: 'sagesync-cli', clientSecret: 'sandbox-secret-cli' };

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface SandboxCli {
  dir: string;
  sandbox: Sandbox;
  /** The configuration file (JSON) the runs use. */
  configFile: string;
  config: Record<string, unknown>;
  /** 'postgres' or 'embedded': which staging database the runs use. */
  dialect: string;
  /** Writes a variant of the configuration (deep-merged one level) and returns its path. */
  variant(name: string, extra: Record<string, Record<string, unknown>>): Promise<string>;
  /** Runs a command to its end (async: the sandbox must keep answering). */
  run(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<Finished>;
  /** Starts a command and returns the child and a promise of its end. */
  start(
    command: string,
    args: string[],
    opts?: SpawnOptions & { timeoutMs?: number },
  ): { child: ChildProcess; done: Promise<Finished> };
  close(): Promise<void>;
}

export async function startSandboxCli(
  tag: string,
  opts: { seed?: SeedOptions | false; oro?: Record<string, unknown> } = {},
): Promise<SandboxCli> {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/ is missing: run "npm run build" first');
  const dir = await mkdtemp(join(tmpdir(), `sagesync-${tag}-`));
  const sandbox = await startSandbox({ clients: [CLIENT], seed: opts.seed ?? false });
  const pg = BACKENDS.find((b) => b.name === 'postgres');
  const schema = randomSchema(tag.replace(/[^a-z0-9]/g, ''));
  const staging = pg?.available
    ? { dialect: 'postgres', url: process.env.SAGESYNC_TEST_PG_URL, schema, tls: { enabled: false } }
    : { dialect: 'embedded', path: join(dir, 'db') };
  const config = { oro: { url: sandbox.url, ...CLIENT, maxRetries: 0, ...opts.oro }, staging };
  const configFile = join(dir, 'sagesync.json');
  await writeFile(configFile, JSON.stringify(config));

  const start: SandboxCli['start'] = (command, args, o = {}) => {
    const t0 = Date.now();
    const child = spawn(command, args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout ends what it started too (`script`'s child).
      detached: true,
      ...o,
    });
    let stdout = '';
    let stderr = '';
    // Bounded: a runaway child (the 0-column spinner wrote 1.46 GB) must not fill the test's memory.
    const keep = (s: string, d: Buffer): string => (s.length > 1_000_000 ? s : s + d.toString());
    child.stdout?.on('data', (d: Buffer) => (stdout = keep(stdout, d)));
    child.stderr?.on('data', (d: Buffer) => (stderr = keep(stderr, d)));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, o.timeoutMs ?? 60_000);
    const done = new Promise<Finished>((resolve) => {
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
      });
    });
    return { child, done };
  };
  const run: SandboxCli['run'] = (args, o = {}) =>
    start(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...o.env },
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    }).done;

  const migrated = await run(['migrate', '-c', configFile]);
  if (migrated.code !== 0) throw new Error(`migrate failed (${migrated.code}): ${migrated.stderr}`);
  return {
    dir,
    sandbox,
    configFile,
    config,
    dialect: staging.dialect,
    async variant(name, extra) {
      const merged: Record<string, unknown> = { ...config };
      for (const [k, v] of Object.entries(extra))
        merged[k] = { ...(config as Record<string, object>)[k], ...v };
      const file = join(dir, `${name}.json`);
      await writeFile(file, JSON.stringify(merged));
      return file;
    },
    run,
    start,
    async close() {
      if (pg?.available) await pg.dropSchema(schema);
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
