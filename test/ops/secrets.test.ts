// @module-tag hostile
/**
 * Secrets never reach any output (issue 6): communication logging on, --verbose (bodies), a log
 * file, a full run against the Oro sandbox and a real PostgreSQL, then every configured secret and
 * every access token the sandbox issued is searched for in stdout, stderr, the log file and the
 * e-mails: none may be found. Tokens are captured by a recording proxy in front of the sandbox.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { type SmtpHarness, startSmtp } from '../notify/smtp-harness.js';
import { freePort } from '../tunnel/sshd-server.js';
import { runCli, type CliRun } from './ops-harness.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
if (!pgUrl) console.warn('test/ops/secrets.test.ts skipped: SAGESYNC_TEST_PG_URL is not set');

const suffix = randomBytes(4).toString('hex');
const schema = `t_secrets_${suffix}`;
const role = `t_secrets_${suffix}`;
const SECRETS = {
  oro: `oro-Client-Secret-${randomBytes(6).toString('hex')}`,
  db: `db-Pass-${randomBytes(6).toString('hex')}`,
  smtp: `smtp-Pass-${randomBytes(6).toString('hex')}`,
  heartbeat: `${randomBytes(8).toString('hex')}-check-0`,
  pushgateway: `push-Pass-${randomBytes(6).toString('hex')}`,
};

/** Forwards to the sandbox and keeps every access token it issues. */
async function recordingProxy(
  target: string,
): Promise<{ url: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = [];
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const up = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          const body = Buffer.concat(chunks);
          const m = /"access_token"\s*:\s*"([^"]+)"/.exec(body.toString('utf8'));
          if (m?.[1]) tokens.push(m[1]);
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(body);
        });
      },
    );
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.skipIf(!pgUrl)('no secret in any output', () => {
  let sandbox: Sandbox;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let smtp: SmtpHarness;
  let admin: StagingStore;
  let dir: string;
  let config: Record<string, unknown>;
  const runs: CliRun[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sagesync-secrets-'));
    sandbox = await startSandbox({
      clients: [{ clientId: 'sagesync', clientSecret: SECRETS.oro }],
      seed: { orders: 5 },
    });
    proxy = await recordingProxy(sandbox.url);
    smtp = await startSmtp();
    admin = await openStore(
      configSchema.parse({
        oro: { url: 'https://x.example.com', clientId: 'a', clientSecret: 'b' },
        staging: { dialect: 'postgres', url: pgUrl, tls: { enabled: false } },
      }),
    );
    const db = new URL(pgUrl ?? '').pathname.slice(1);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${SECRETS.db}'`);
    await admin.query(`GRANT CREATE, CONNECT ON DATABASE ${db} TO ${role}`);
    const u = new URL(pgUrl ?? '');
    const closed = await freePort();
    config = {
      oro: { url: proxy.url, clientId: 'sagesync', clientSecret: SECRETS.oro, maxRetries: 1 },
      staging: {
        dialect: 'postgres',
        host: u.hostname,
        port: Number(u.port || 5432),
        database: db,
        user: role,
        password: SECRETS.db,
        schema,
        tls: { enabled: false },
      },
      notifications: {
        to: ['ops@example.com', 'erp@example.com'],
        from: 'sagesync@example.com',
        smtp: { host: '127.0.0.1', port: smtp.port, user: 'mailer', password: SECRETS.smtp },
      },
      logging: { level: 'debug', communication: true, file: join(dir, 'sagesync.log') },
      // Both unreachable: their warnings quote where they went, never the credential (issue 19).
      monitoring: {
        heartbeat: { url: `http://127.0.0.1:${closed}/ping/${SECRETS.heartbeat}`, timeoutMs: 500 },
        pushgateway: { url: `http://metrics:${SECRETS.pushgateway}@127.0.0.1:${closed}`, timeoutMs: 500 },
      },
    };
    runs.push(await runCli(dir, config, ['migrate']));
    runs.push(await runCli(dir, config, ['run-all', '--verbose']));
    sandbox.revokeTokens();
    sandbox.addOrder();
    runs.push(await runCli(dir, config, ['run-all', '--verbose', '--json']));
    runs.push(await runCli(dir, config, ['status', '--json']));
    runs.push(await runCli(dir, config, ['test-connection', '--verbose']));
    // A failing run: a wrong secret is itself a configured secret that must not be printed.
    runs.push(
      await runCli(
        dir,
        { ...config, oro: { ...(config.oro as object), clientSecret: `${SECRETS.oro}-wrong` } },
        ['push-orders', '--verbose'],
      ),
    );
  });
  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    const db = new URL(pgUrl ?? '').pathname.slice(1);
    await admin?.query(`REVOKE ALL ON DATABASE ${db} FROM ${role}`).catch(() => undefined);
    await admin?.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin?.close();
    await proxy?.close();
    await sandbox?.close();
    await smtp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the runs really talked to Oro and the database, with communication logging', () => {
    const log = readFileSync(join(dir, 'sagesync.log'), 'utf8');
    expect(runs[0]?.code).toBe(0);
    expect(log).toMatch(/HTTP GET http:\/\/127\.0\.0\.1:\d+\/admin\/api\/orders/);
    expect(log).toMatch(/HTTP POST http:\/\/127\.0\.0\.1:\d+\/oauth2-token/);
    expect(log).toMatch(/SQL \(\d+ ms/);
    expect(log).toContain('HTTP response body');
    expect(proxy.tokens.length).toBeGreaterThanOrEqual(2);
    expect(log).toMatch(/The heartbeat ping http:\/\/127\.0\.0\.1:\d+\/…\/start failed/);
    expect(log).toMatch(/Could not push the metrics to the Pushgateway/);
  });

  it('no configured secret and no issued token in stdout, stderr, the log file or the e-mails', () => {
    const outputs = [
      ...runs.flatMap((r, i) => [
        { where: `run ${i} stdout`, text: r.stdout },
        { where: `run ${i} stderr`, text: r.stderr },
      ]),
      {
        where: 'log file',
        text: existsSync(join(dir, 'sagesync.log')) ? readFileSync(join(dir, 'sagesync.log'), 'utf8') : '',
      },
      ...smtp.received().map((m, i) => ({ where: `e-mail ${i}`, text: m.raw })),
    ];
    const needles = [...Object.values(SECRETS), `${SECRETS.oro}-wrong`, ...proxy.tokens];
    const found: string[] = [];
    for (const o of outputs)
      for (const n of needles) if (o.text.includes(n)) found.push(`${o.where} contains ${n.slice(0, 12)}…`);
    expect(found).toEqual([]);
    expect(outputs.map((o) => o.text).join('')).toContain('[redacted]');
  });
});
