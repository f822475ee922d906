/**
 * `sagesync init --non-interactive` for a trial: the embedded database, no server at all. The
 * relative data folder is written relative to the file, and run-all on that file stages the
 * sandbox's orders (every one: no criteria given).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox } from '../../tools/sandbox/types.js';
import { tempDir } from '../config/helpers.js';
import { runCli } from './helpers.js';
import { runAllOn } from './init-helpers.js';

const CLIENT = { clientId: 'trial', clientSecret: 'trial-secret' };

describe('sagesync init --non-interactive with the embedded database', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clients: [CLIENT], seed: { orders: 12, seed: 5 } });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('writes a trial setup on which run-all stages every order', async () => {
    const cwd = tempDir();
    const env = {
      SAGESYNC_ORO_URL: sandbox.url,
      SAGESYNC_ORO_CLIENT_ID: CLIENT.clientId,
      SAGESYNC_ORO_CLIENT_SECRET: CLIENT.clientSecret,
    };
    const sets = ['--set', 'staging.dialect=embedded', '--set', 'staging.path=trial-db'];
    // The file goes to a sub-folder: the data folder, answered relative to cwd, is rewritten
    // relative to the file, where the loader resolves it.
    const args = ['init', '--non-interactive', '-c', 'conf/sagesync.yaml', ...sets, '--schedule', 'systemd'];
    const r = await runCli(args, { env, cwd });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('12 of the 12 orders in Oro now would be staged');
    expect(r.stdout).toMatch(/✓ staging database: embedded database in .*trial-db opened/);
    expect(r.stdout).toContain('ExecStart=');
    const file = join(cwd, 'conf/sagesync.yaml');
    expect(readFileSync(file, 'utf8')).toContain('path: "../trial-db"');
    const run = await runAllOn(file, cwd);
    expect(run.code, run.stderr).toBe(0);
    expect(run.written).toBe(12);
  }, 120_000);
});
