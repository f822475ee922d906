/**
 * `sagesync run-all` as cron runs it: the built CLI (`node bin/sagesync run-all -c <file>`, no
 * TTY) against the Oro sandbox and a real staging database. Each exit code of the contract comes
 * from a real scenario; a job locked by another process is skipped while the others run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox } from '../../tools/sandbox/types.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { CREDIT_LIMIT } from '../../src/staging/tables.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { holdInChild, kill } from '../staging/helpers/child.js';
import { CLIENT } from './pull-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pg = BACKENDS.find((b) => b.name === 'postgres');
if (!pg?.available) {
  console.warn('run-all-cli.test.ts: SAGESYNC_TEST_PG_URL is not set: using the embedded database (slower)');
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Async spawn: the sandbox lives in this process and must keep answering. */
function sagesync(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [`${ROOT}bin/sagesync`, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sagesync run-all (built CLI, no TTY)', () => {
  let dir: string;
  let sandbox: Sandbox;
  let store: StagingStore;
  const schema = randomSchema('runall');
  let staging: Record<string, unknown>;

  async function configFile(name: string, oro: Record<string, unknown>): Promise<string> {
    const file = join(dir, `${name}.json`);
    const config = { oro: { ...CLIENT, maxRetries: 0, timeoutMs: 5000, ...oro }, staging };
    await writeFile(file, JSON.stringify(config));
    return file;
  }

  async function credit(code: string, customerId: number | null, value: string): Promise<void> {
    await store.query(
      `INSERT INTO ${store.tableName(CREDIT_LIMIT)} (erp_customer_code, oro_customer_id, credit_limit) VALUES ($1, $2, $3)`,
      [code, customerId, value],
    );
  }

  async function statuses(): Promise<string[]> {
    const rows = await store.query(`SELECT status FROM ${store.tableName(CREDIT_LIMIT)} ORDER BY staging_id`);
    return rows.map((r) => String(r['status']));
  }

  beforeAll(async () => {
    if (!existsSync(`${ROOT}dist/index.js`)) throw new Error('dist/ is missing: run "npm run build" first');
    dir = await mkdtemp(join(tmpdir(), 'sagesync-run-all-'));
    sandbox = await startSandbox({ clients: [CLIENT], seed: false });
    staging = pg?.available
      ? { dialect: 'postgres', url: process.env.SAGESYNC_TEST_PG_URL, schema, tls: { enabled: false } }
      : { dialect: 'embedded', path: join(dir, 'db') };
    const migrate = await sagesync(['migrate', '-c', await configFile('migrate', { url: sandbox.url })]);
    expect(migrate.code, migrate.stderr).toBe(0);
    // The embedded database admits one process at a time: the test only opens it between runs.
    if (pg?.available) store = await openStore(storeConfig());
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    if (pg?.available) await pg.dropSchema(schema);
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function storeConfig(): Config {
    return configSchema.parse({ oro: { url: sandbox.url, ...CLIENT }, staging });
  }

  /** Runs `fn` with the store open (embedded: only while no CLI process runs). */
  async function withStore<T>(fn: () => Promise<T>): Promise<T> {
    if (pg?.available) return fn();
    store = await openStore(storeConfig());
    try {
      return await fn();
    } finally {
      await store.close();
    }
  }

  it('exits 78 on an invalid configuration, naming the key', async () => {
    const file = await configFile('bad', { url: 'not a url' });
    const r = await sagesync(['run-all', '-c', file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/oro\.url/);
  });

  it('exits 0 and prints nothing on an idle minute; --json prints one object', async () => {
    const file = await configFile('good', { url: sandbox.url });
    const idle = await sagesync(['run-all', '-c', file]);
    expect(idle.code, idle.stderr).toBe(0);
    expect(idle.stdout).toBe('');
    const json = await sagesync(['run-all', '-c', file, '--json']);
    expect(json.code).toBe(0);
    const lines = json.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] ?? '') as { result: { jobs: { job: string }[] } };
    expect(out.result.jobs.map((j) => j.job)).toEqual([
      'push-orders',
      'push-customers',
      'pull-credit',
      'pull-tracking',
    ]);
  }, 120_000);

  it('exits 0 when every row applies, 1 when a row ends ERROR', async () => {
    const customer = sandbox.addCustomer({ name: 'Alpha' });
    const file = await configFile('good', { url: sandbox.url });
    await withStore(() => credit('CA', Number(customer), '1500'));
    const ok = await sagesync(['run-all', '-c', file]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(sandbox.customer(customer)?.attributes['creditLimit']).toBe('1500.0000');

    await withStore(() => credit('NO-SUCH-CODE', null, '10'));
    const failed = await sagesync(['run-all', '-c', file]);
    expect(failed.code).toBe(1);
    expect(`${failed.stdout}${failed.stderr}`).toMatch(/Unknown X3 customer code \\?"NO-SUCH-CODE/);
    expect(await withStore(statuses)).toEqual(['DONE', 'ERROR']);
  }, 120_000);

  it('exits 69 when Oro is unreachable, still marking the rows it can decide alone', async () => {
    const file = await configFile('down', { url: 'http://127.0.0.1:9' });
    await withStore(async () => {
      await credit('CB', 77, '20');
      await credit('CC', 78, '-1');
    });
    const r = await sagesync(['run-all', '-c', file, '--json']);
    expect(r.code).toBe(69);
    const out = JSON.parse(r.stdout) as {
      result: { jobs: { job: string; outcome: string; error?: { kind: string } }[] };
    };
    expect(out.result.jobs.find((j) => j.job === 'pull-credit')).toMatchObject({
      outcome: 'failed',
      error: { kind: 'unavailable' },
    });
    expect((await withStore(statuses)).slice(-2)).toEqual(['NEW', 'ERROR']);
  }, 120_000);

  it.skipIf(!pg?.available)(
    'skips a job locked by another process; the others run (exit 0)',
    async () => {
      const file = await configFile('good', { url: sandbox.url });
      await store.query(`DELETE FROM ${store.tableName(CREDIT_LIMIT)}`);
      const holder = await holdInChild(storeConfig(), 'pull-tracking');
      try {
        const r = await sagesync(['run-all', '-c', file, '--json']);
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as { result: { jobs: { job: string; outcome: string }[] } };
        expect(out.result.jobs.map((j) => [j.job, j.outcome])).toEqual([
          ['push-orders', 'ok'],
          ['push-customers', 'ok'],
          ['pull-credit', 'ok'],
          ['pull-tracking', 'skipped-locked'],
        ]);
      } finally {
        await kill(holder);
      }
    },
    120_000,
  );
});
