/**
 * `sagesync init --non-interactive` against the Oro sandbox and the real PostgreSQL: the happy
 * path ends in a configuration the loader reads and on which run-all stages the sandbox's orders;
 * a wrong secret, a wrong database password and a bad answer write nothing (69, 69, 78); an
 * existing file is refused without --force and backed up with it; secrets are in 0600 files or
 * an environment file, never in the main file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigDetailed } from '../../src/config/load.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox } from '../../tools/sandbox/types.js';
import { tempDir } from '../config/helpers.js';
import { bodyOf, startSmtp, type SmtpHarness } from '../notify/smtp-harness.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { runCli } from './helpers.js';
import { openOrders, runAllOn } from './init-helpers.js';

const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
if (!pgUrl) console.warn('test/cli/init-non-interactive.test.ts skipped: SAGESYNC_TEST_PG_URL is not set');
const pg = BACKENDS.find((b) => b.name === 'postgres');
const CLIENT = { clientId: 'init-test', clientSecret: 'init-secret-4f9a' };

describe.skipIf(!pgUrl)('sagesync init --non-interactive', () => {
  let sandbox: Sandbox;
  let smtp: SmtpHarness;
  const schemas: string[] = [];
  const dbPassword = new URL(pgUrl ?? 'postgres://x').password;

  /** The answers of a working setup, as the usual SAGESYNC_* variables. */
  function answers(schema: string, extra: Record<string, string> = {}): Record<string, string> {
    schemas.push(schema);
    return {
      SAGESYNC_ORO_URL: sandbox.url,
      SAGESYNC_ORO_CLIENT_ID: CLIENT.clientId,
      SAGESYNC_ORO_CLIENT_SECRET: CLIENT.clientSecret,
      SAGESYNC_ORO_MAX_RETRIES: '0',
      SAGESYNC_STAGING_DIALECT: 'postgres',
      SAGESYNC_STAGING_URL: pgUrl ?? '',
      SAGESYNC_STAGING_SCHEMA: schema,
      SAGESYNC_STAGING_TLS_ENABLED: 'false',
      ...extra,
    };
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ clients: [CLIENT], seed: { orders: 30, seed: 7 } });
    smtp = await startSmtp();
  });
  afterAll(async () => {
    for (const s of schemas) await pg?.dropSchema(s);
    await sandbox?.close();
    await smtp?.stop();
  });

  it('tests every part, writes the file and its 0600 secrets; run-all then stages the open orders', async () => {
    const cwd = tempDir();
    const env = answers(randomSchema('init'), {
      SAGESYNC_NOTIFICATIONS_TO: 'erp-team@example.com',
      SAGESYNC_NOTIFICATIONS_SMTP_HOST: '127.0.0.1',
      SAGESYNC_NOTIFICATIONS_SMTP_PORT: String(smtp.port),
    });
    const args = ['init', '--non-interactive', '--order-statuses', 'open', '--send-test-email'];
    const r = await runCli([...args, '--schedule', 'crontab'], { env, cwd });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const open = openOrders(sandbox);
    expect(open.length).toBeGreaterThan(0);
    expect(r.stdout).toContain(`${open.length} of the 30 orders in Oro now would be staged`);
    expect(r.stdout).toMatch(/Migrated the staging tables/);
    expect(r.stdout).toMatch(/✓ credit-limit attribute/);
    expect(r.stdout).toMatch(/^\s+\* \* \* \* \* cd .* run-all/m);
    expect(r.stdout).not.toContain('✗');
    const mail = smtp.received().find((m) => /test e-mail from sagesync init/.test(m.raw));
    expect(mail?.to).toEqual(['erp-team@example.com']);
    expect(bodyOf(mail?.raw ?? '')).toContain('Problems of the sync will arrive the same way');

    const file = join(cwd, '.sagesyncrc.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# /); // commented
    expect(text).not.toContain(CLIENT.clientSecret);
    // The test database's password is also its user and database name: look for it as a password.
    expect(text).not.toContain(`:${dbPassword}@`);
    expect(text).not.toMatch(/^\s*(password|clientSecret):/m);
    for (const name of ['oro-client-secret', 'staging-password']) {
      expect(statSync(join(cwd, '.sagesync/secrets', name)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(join(cwd, '.sagesync/secrets/oro-client-secret'), 'utf8')).toBe(
      `${CLIENT.clientSecret}\n`,
    );
    // The same loader as every command reads it, with nothing from the environment.
    const loaded = await loadConfigDetailed({ configPath: file, env: {}, cwd: tempDir() });
    expect(loaded.config.oro).toMatchObject({ url: sandbox.url, ...CLIENT });
    expect(loaded.config.staging.password).toBe(dbPassword);
    expect(loaded.config.orders.criteria).toEqual({ internalStatus: ['open'] });
    expect(loaded.config.notifications.smtp?.port).toBe(smtp.port);

    const run = await runAllOn(file, cwd);
    expect(run.code, run.stderr).toBe(0);
    expect(run.written).toBe(open.length);
  }, 120_000);

  it('a wrong client secret: exit 69, the failed check with the Oro screen to fix, nothing written', async () => {
    const cwd = tempDir();
    const env = answers(randomSchema('init'), { SAGESYNC_ORO_CLIENT_SECRET: 'not-the-secret' });
    const r = await runCli(['init', '--non-interactive'], { env, cwd });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('nothing was written');
    expect(r.stderr).toMatch(/✗ Oro token: Oro refused the OAuth client credentials/);
    expect(r.stderr).toContain('System > User Management > OAuth Applications');
    expect(r.stderr + r.stdout).not.toContain('not-the-secret');
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);

  it('a wrong database password: exit 69, nothing written, the database untouched', async () => {
    const cwd = tempDir();
    // The password goes in the URL: a URL with a password plus $SAGESYNC_STAGING_PASSWORD is refused (78).
    const wrongUrl = new URL(pgUrl ?? 'postgres://x@127.0.0.1/x');
    wrongUrl.password = 'wrong-password';
    const env = answers(randomSchema('init'), { SAGESYNC_STAGING_URL: wrongUrl.toString() });
    const r = await runCli(['init', '--non-interactive'], { env, cwd });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/✗ staging database:/);
    expect(r.stderr + r.stdout).not.toContain('wrong-password');
    expect(r.stdout).not.toContain('Migrated');
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);

  it('a bad or missing answer: exit 78 naming the key, before anything is tested or written', async () => {
    const cwd = tempDir();
    const env = answers(randomSchema('init'), { SAGESYNC_ORO_URL: 'shop.example.com' });
    delete env.SAGESYNC_ORO_CLIENT_ID;
    const requestsBefore = sandbox.requests.length;
    const r = await runCli(['init', '--non-interactive'], { env, cwd });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('oro.url (environment $SAGESYNC_ORO_URL)');
    expect(r.stderr).toContain('oro.clientId (not given)');
    expect(r.stderr).toContain('--set key=value');
    expect(sandbox.requests).toHaveLength(requestsBefore);
    expect(readdirSync(cwd)).toEqual([]);
    const usage = await runCli(['init', '--non-interactive', '--set', 'oro.nope=1'], { env, cwd });
    expect(usage.code).toBe(64);
  }, 60_000);

  it('refuses an existing file without --force; with it, keeps a backup; secrets as an env file', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': 'oro: {}\n' });
    const env = answers(randomSchema('init'));
    const refused = await runCli(['init', '--non-interactive'], { env, cwd });
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('exists already; nothing was written');
    expect(readFileSync(join(cwd, '.sagesyncrc.yaml'), 'utf8')).toBe('oro: {}\n');
    expect(refused.stdout).toBe(''); // refused before any test

    const r = await runCli(
      ['init', '--non-interactive', '--force', '--secrets', 'env', '--migrate', 'print'],
      {
        env,
        cwd,
      },
    );
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const backups = readdirSync(cwd).filter((f) => f.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(cwd, backups[0] ?? ''), 'utf8')).toBe('oro: {}\n');
    const envFile = join(cwd, '.sagesync/secrets.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, 'utf8')).toContain(`SAGESYNC_ORO_CLIENT_SECRET='${CLIENT.clientSecret}'`);
    expect(existsSync(join(cwd, '.sagesync/secrets'))).toBe(false);
    const text = readFileSync(join(cwd, '.sagesyncrc.yaml'), 'utf8');
    expect(text).not.toContain(CLIENT.clientSecret);
    expect(text).not.toMatch(/clientSecret|passwordFile/);
    // --migrate print: the DDL for the DBA, no tables created.
    expect(readFileSync(join(cwd, 'staging.sql'), 'utf8')).toMatch(/CREATE TABLE/);
    expect(r.stdout).toMatch(/✗ schema version: the staging tables do not exist/);
  }, 60_000);
});
