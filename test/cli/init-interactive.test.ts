/**
 * The interactive `sagesync init`, typed into a real pseudo-terminal (tmux, test/cli/pty.ts)
 * against the Oro sandbox, the real PostgreSQL and a real SMTP server: the happy path ends in a
 * file on which run-all stages the sandbox's open orders; a wrong client secret and a wrong
 * database password are explained and asked again; Ctrl-C mid-way leaves nothing written.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigDetailed } from '../../src/config/load.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox } from '../../tools/sandbox/types.js';
import { tempDir } from '../config/helpers.js';
import { startSmtp, type SmtpHarness } from '../notify/smtp-harness.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { ROOT, runCli } from './helpers.js';
import { openOrders, runAllOn } from './init-helpers.js';
import { startPty, tmuxUnavailable, type Pty } from './pty.js';

const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
const why = tmuxUnavailable() ?? (pgUrl ? null : 'SAGESYNC_TEST_PG_URL is not set');
if (why) console.warn(`test/cli/init-interactive.test.ts skipped: ${why}`);
const pg = BACKENDS.find((b) => b.name === 'postgres');
const CLIENT = { clientId: 'pty-test', clientSecret: 'pty-secret-77c1' };

describe.skipIf(why !== null)('sagesync init on a terminal', () => {
  let sandbox: Sandbox;
  let smtp: SmtpHarness;
  let pty: Pty | undefined;
  const schemas: string[] = [];
  const db = new URL(pgUrl ?? 'postgres://x');

  beforeAll(async () => {
    if (!existsSync(`${ROOT}dist/index.js`)) throw new Error('dist/ is missing: run "npm run build" first');
    sandbox = await startSandbox({ clients: [CLIENT], seed: { orders: 25, seed: 3 } });
    smtp = await startSmtp();
  });
  afterEach(() => {
    pty?.close();
    pty = undefined;
  });
  afterAll(async () => {
    for (const s of schemas) await pg?.dropSchema(s);
    await sandbox?.close();
    await smtp?.stop();
  });

  function init(cwd: string): Pty {
    pty = startPty([process.execPath, `${ROOT}bin/sagesync`, 'init'], {
      cwd,
      env: { HOME: cwd, SAGESYNC_ORO_MAX_RETRIES: '0' },
    });
    return pty;
  }

  /** Waits for the question (the active one starts with "?") and answers it. */
  async function answer(p: Pty, question: string, text: string): Promise<void> {
    await p.waitFor(new RegExp(`^\\? ${question.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    p.type(text);
  }

  async function answerOro(p: Pty, secret: string): Promise<void> {
    await answer(p, 'Oro URL', sandbox.url);
    await answer(p, 'OAuth client id', CLIENT.clientId);
    await answer(p, 'OAuth client secret', secret);
    await answer(p, 'Customer attribute', ''); // the default, creditLimit
  }

  async function answerDatabase(p: Pty, schema: string, password: string): Promise<void> {
    await p.waitFor(/^\? Which database\?/m);
    p.keys('Down', 'Enter'); // PostgreSQL
    await answer(p, 'Database server host', db.hostname);
    await answer(p, 'Port', ''); // 5432
    await answer(p, 'Database name', db.pathname.slice(1));
    await answer(p, 'Database user', decodeURIComponent(db.username));
    await answer(p, 'Database password', password);
    await answer(p, 'Schema of the staging tables', schema);
    await answer(p, 'Encrypt the connection (TLS)?', 'n'); // the test server has no TLS
    await answer(p, 'Reach the database through an SSH tunnel?', '');
  }

  it('happy path: every part tested, the files written, run-all stages the open orders', async () => {
    const cwd = tempDir();
    const schema = randomSchema('pty');
    schemas.push(schema);
    const p = init(cwd);
    await answerOro(p, CLIENT.clientSecret);
    await p.waitFor(/✓ credit-limit attribute/);
    await answerDatabase(p, schema, decodeURIComponent(db.password));
    await p.waitFor(/✓ staging database: reachable/);
    await answer(p, 'Create the staging tables?', ''); // yes, now
    await p.waitFor(/Migrated the staging tables/);
    await answer(p, 'E-mail addresses', 'erp-team@example.com');
    await answer(p, 'SMTP server host', '127.0.0.1');
    await answer(p, 'SMTP port', String(smtp.port));
    await answer(p, 'SMTP user', '');
    await answer(p, 'Sender address', '');
    await p.waitFor(/✓ SMTP: 127\.0\.0\.1/);
    await answer(p, 'Send a test e-mail now?', '');
    await p.waitFor(/Sent a test e-mail to erp-team@example\.com/);
    await p.waitFor(/^\? Stage orders with these internal statuses/m);
    expect(p.screen()).toMatch(/open\s+Open\s+\d+ order\(s\)/);
    p.keys('Enter'); // "open" is ticked
    await answer(p, 'Where should the secrets go?', '');
    await answer(p, 'How will it run every minute?', '');
    await answer(p, 'Write the scheduling file(s) next to the configuration?', '');
    expect(await p.exitCode(), p.screen()).toBe(0);
    const screen = p.screen();
    expect(screen).toMatch(/✓ rights: .* all granted/);
    expect(screen).toMatch(/^ {2}\* \* \* \* \* cd .* run-all/m);
    expect(screen).not.toContain(CLIENT.clientSecret);
    expect(smtp.received().some((m) => /test e-mail from sagesync init/.test(m.raw))).toBe(true);

    const file = join(cwd, '.sagesyncrc.yaml');
    expect(readFileSync(file, 'utf8')).not.toContain(CLIENT.clientSecret);
    for (const name of ['oro-client-secret', 'staging-password'])
      expect(statSync(join(cwd, '.sagesync/secrets', name)).mode & 0o777).toBe(0o600);
    const loaded = await loadConfigDetailed({ configPath: file, env: {}, cwd: tempDir() });
    expect(loaded.config.orders.criteria).toEqual({ internalStatus: ['open'] });
    expect(loaded.config.oro.clientSecret).toBe(CLIENT.clientSecret);

    const open = openOrders(sandbox);
    expect(screen).toContain(`${open.length} of the 25 orders in Oro now would be staged`);
    const run = await runAllOn(file, cwd);
    expect(run.code, run.stderr).toBe(0);
    expect(run.written).toBe(open.length);
  }, 120_000);

  it('a wrong client secret is explained and asked again; Ctrl-C then writes nothing', async () => {
    const cwd = tempDir();
    const p = init(cwd);
    await answerOro(p, 'not-the-secret');
    await p.waitFor(/✗ Oro token: Oro refused the OAuth client credentials/);
    expect(p.screen()).toContain('System > User Management > OAuth Applications');
    // Asked again, the earlier answers offered as defaults; the secret typed anew.
    await answer(p, 'Oro URL', '');
    await answer(p, 'OAuth client id', '');
    await answer(p, 'OAuth client secret', CLIENT.clientSecret);
    await answer(p, 'Customer attribute', '');
    await p.waitFor(/✓ credit-limit attribute/);
    await p.waitFor(/^\? Which database\?/m);
    p.keys('C-c');
    expect(await p.exitCode()).toBe(130);
    expect(p.screen()).toContain('Interrupted: nothing was written.');
    expect(p.screen()).not.toContain('not-the-secret');
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);

  it('Ctrl-C during a test (a signal, not a key at a question): no more questions, nothing written', async () => {
    const cwd = tempDir();
    const p = init(cwd);
    await answer(p, 'Oro URL', sandbox.url);
    await answer(p, 'OAuth client id', CLIENT.clientId);
    await answer(p, 'OAuth client secret', CLIENT.clientSecret);
    // Each API request now takes 0.8 s: the Oro test is still running when Ctrl-C arrives.
    sandbox.setFaults({ latencyMs: 800 });
    try {
      await answer(p, 'Customer attribute', '');
      await p.waitFor(/^Testing…/m);
      p.keys('C-c');
      expect(await p.exitCode()).toBe(130);
    } finally {
      sandbox.setFaults({});
    }
    expect(p.screen()).toContain('Interrupted: nothing was written.');
    expect(p.screen()).not.toMatch(/Which database/);
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);

  it('an existing configuration is replaced only after a yes: the default no leaves it alone', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': 'oro: {}\n' });
    const p = init(cwd);
    await answer(p, `${join(cwd, '.sagesyncrc.yaml')} exists. Replace it`, '');
    expect(await p.exitCode()).toBe(0);
    expect(p.screen()).toContain('Nothing was written.');
    expect(readFileSync(join(cwd, '.sagesyncrc.yaml'), 'utf8')).toBe('oro: {}\n');
    expect(readdirSync(cwd)).toEqual(['.sagesyncrc.yaml']);
  }, 60_000);

  it('a wrong database password is asked again; Ctrl-C at the next question writes nothing', async () => {
    const cwd = tempDir();
    const schema = randomSchema('pty');
    schemas.push(schema);
    const p = init(cwd);
    await answerOro(p, CLIENT.clientSecret);
    await answerDatabase(p, schema, 'wrong-password');
    await p.waitFor(/✗ staging database: /);
    await p.waitFor(/Please answer again/);
    // Again: PostgreSQL is now the default, and so is every earlier answer but the password.
    await p.waitFor(/^\? Which database\?/m);
    p.keys('Enter');
    for (const q of ['Database server host', 'Port', 'Database name', 'Database user'])
      await answer(p, q, '');
    await answer(p, 'Database password', decodeURIComponent(db.password));
    for (const q of ['Schema of the staging tables', 'Encrypt the connection (TLS)?', 'Reach the database'])
      await answer(p, q, '');
    await p.waitFor(/✓ staging database: reachable/);
    await p.waitFor(/^\? Create the staging tables\?/m);
    p.keys('C-c');
    expect(await p.exitCode()).toBe(130);
    expect(p.screen()).not.toContain('wrong-password');
    expect(readdirSync(cwd)).toEqual([]);
    // Nothing migrated either: the schema was never created.
    const r = await runCli(['status', '--json'], {
      cwd,
      env: {
        SAGESYNC_ORO_URL: sandbox.url,
        SAGESYNC_ORO_CLIENT_ID: 'x',
        SAGESYNC_ORO_CLIENT_SECRET: 'x',
        SAGESYNC_STAGING_DIALECT: 'postgres',
        SAGESYNC_STAGING_URL: pgUrl ?? '',
        SAGESYNC_STAGING_SCHEMA: schema,
        SAGESYNC_STAGING_TLS_ENABLED: 'false',
      },
    });
    expect(r.code).toBe(69);
  }, 120_000);
});
