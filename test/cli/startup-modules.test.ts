/**
 * What an idle scheduled run loads (start-up cost, issue 4 "1k dominated by start-up"): the built
 * CLI under cron (no TTY, --json) never loads the spinner (ora), and loads winston only once a
 * line passes the log level, and a valid JSON configuration is read without parse-json. The package list comes from a module hook (ESM resolution) and a
 * wrapper of the CommonJS resolver (winston and pg are required, not imported).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox } from '../../tools/sandbox/types.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { ROOT } from './helpers.js';

const pg = BACKENDS.find((b) => b.name === 'postgres');
if (!pg?.available) {
  console.warn(
    'startup-modules.test.ts: SAGESYNC_TEST_PG_URL is not set: using the embedded database (slower)',
  );
}
const CLIENT = { clientId: 'startup-test', clientSecret: 'startup-secret' };

const HOOKS = `import { writeSync } from 'node:fs';
const pkg = (url) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url)?.[1];
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const p = pkg(r.url);
  if (p) writeSync(2, 'LOADED ' + p + '\\n');
  return r;
}\n`;
const REGISTER = `import Module, { register } from 'node:module';
import { writeSync } from 'node:fs';
register('./hooks.mjs', import.meta.url);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const f = resolveFilename.apply(this, args);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f);
  if (m) writeSync(2, 'LOADED ' + m[1] + '\\n');
  return f;
};\n`;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  loaded: Set<string>;
}

describe('start-up of an idle run (built CLI, no TTY)', () => {
  let dir: string;
  let sandbox: Sandbox;
  let config: string;
  const schema = randomSchema('startup');

  /** Async spawn: the sandbox lives in this process and must keep answering. */
  function sagesync(args: string[], env: Record<string, string> = {}): Promise<Ran> {
    return new Promise((resolve) => {
      const p = spawn(
        process.execPath,
        ['--import', join(dir, 'register.mjs'), `${ROOT}bin/sagesync`, ...args],
        {
          // Not the repository: cosmiconfig's meta-configuration search reads a package.json in the
          // working directory with its own JSON loader (parse-json).
          cwd: dir,
          env: { PATH: process.env.PATH ?? '', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (code) => {
        const loaded = new Set([...stderr.matchAll(/^LOADED (.+)$/gm)].map((m) => m[1] ?? ''));
        resolve({ code, stdout, stderr: stderr.replace(/^LOADED .+\n/gm, ''), loaded });
      });
    });
  }

  beforeAll(async () => {
    if (!existsSync(`${ROOT}dist/index.js`)) throw new Error('dist/ is missing: run "npm run build" first');
    dir = await mkdtemp(join(tmpdir(), 'sagesync-startup-'));
    await writeFile(join(dir, 'hooks.mjs'), HOOKS);
    await writeFile(join(dir, 'register.mjs'), REGISTER);
    sandbox = await startSandbox({ clients: [CLIENT], seed: false });
    const staging = pg?.available
      ? { dialect: 'postgres', url: process.env.SAGESYNC_TEST_PG_URL, schema, tls: { enabled: false } }
      : { dialect: 'embedded', path: join(dir, 'db') };
    config = join(dir, 'sagesync.json');
    await writeFile(config, JSON.stringify({ oro: { url: sandbox.url, ...CLIENT, maxRetries: 0 }, staging }));
    const migrate = await sagesync(['migrate', '-c', config]);
    expect(migrate.code, migrate.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    if (pg?.available) await pg.dropSchema(schema);
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads neither the spinner nor winston when nothing passes the log level', async () => {
    // Level error: the plain-connection warning of the postgres configuration is filtered out.
    const r = await sagesync(['push-orders', '-c', config, '--json'], { SAGESYNC_LOGGING_LEVEL: 'error' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, result: { jobs: [{ outcome: 'ok' }] } });
    expect(r.stderr).toBe('');
    expect(r.loaded.has('axios'), [...r.loaded].join(' ')).toBe(true); // the ESM hook works
    expect(r.loaded.has(pg?.available ? 'pg' : '@electric-sql/pglite')).toBe(true);
    expect(r.loaded.has('ora'), 'ora loaded without a TTY').toBe(false);
    expect(r.loaded.has('winston'), 'winston loaded with nothing to log').toBe(false);
    expect(r.loaded.has('parse-json'), 'parse-json loaded for a valid JSON file').toBe(false);
    // Only sagesync init asks questions.
    expect(r.loaded.has('@inquirer/prompts'), 'inquirer loaded by a job').toBe(false);
    expect(r.loaded.has('@inquirer/core'), 'inquirer loaded by a job').toBe(false);
  }, 60_000);

  it('run-all loads no prompt library (only sagesync init asks questions)', async () => {
    const r = await sagesync(['run-all', '-c', config, '--json'], { SAGESYNC_LOGGING_LEVEL: 'error' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.loaded.has('axios'), [...r.loaded].join(' ')).toBe(true); // the hook works
    for (const p of ['@inquirer/prompts', '@inquirer/core'])
      expect(r.loaded.has(p), `${p} loaded`).toBe(false);
  }, 60_000);

  it('loads winston once a line is logged (--verbose), and still no spinner', async () => {
    const r = await sagesync(['push-orders', '-c', config, '--json', '--verbose']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/"level":"debug"/);
    expect(r.loaded.has('winston'), 'the CommonJS wrapper works').toBe(true);
    expect(r.loaded.has('ora')).toBe(false);
  }, 60_000);
});
