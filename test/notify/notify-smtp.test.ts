/**
 * Problem e-mails against a real SMTP server (child process) and the real PostgreSQL as the shared
 * alert table: both recipients, the content, the throttle across two processes, the recovery mail,
 * and a dead SMTP server never failing the sync.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import type { JobReport } from '../../src/jobs/types.js';
import { createLogger } from '../../src/log/logger.js';
import { createRedactor } from '../../src/log/redact.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { notifyRun } from '../../src/notify/run-problems.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { freePort } from '../tunnel/sshd-server.js';
import { bodyOf, type SmtpHarness, startSmtp } from './smtp-harness.js';

const run = promisify(execFile);
const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
if (!pgUrl) console.warn('test/notify/notify-smtp.test.ts skipped: SAGESYNC_TEST_PG_URL is not set');

const schema = `t_notify_${randomBytes(4).toString('hex')}`;
const SECRET = 'oro-client-secret-XYZ-123';
const pushOrdersFailed: JobReport = {
  job: 'push-orders',
  outcome: 'records-failed',
  counts: { read: 1, written: 0, skipped: 0, failed: 1 },
  durationMs: 5,
  failures: [],
};

describe.skipIf(!pgUrl)('problem e-mails through a real SMTP server', () => {
  let smtp: SmtpHarness;
  let store: StagingStore;
  let input: Record<string, unknown>;
  let config: Config;
  const logged = new PassThrough();
  let logText = '';
  logged.on('data', (c: Buffer) => (logText += c.toString()));
  const logger = createLogger({ level: 'debug', format: 'json', communication: false }, { stream: logged });

  beforeAll(async () => {
    smtp = await startSmtp();
    input = {
      oro: { url: 'https://shop.example.com', clientId: 'cid', clientSecret: SECRET },
      staging: { dialect: 'postgres', url: pgUrl, schema, tls: { enabled: false } },
      notifications: {
        to: ['ops@example.com', 'erp-team@example.com'],
        from: 'sagesync@example.com',
        smtp: { host: '127.0.0.1', port: smtp.port, user: 'mailer', password: 'smtp-Secret-456' },
        throttleMinutes: 60,
      },
    };
    config = configSchema.parse(input);
    store = await openStore(config);
    await store.migrate();
  });
  afterAll(async () => {
    await store?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await store?.close();
    await smtp?.stop();
    await logger.close();
  });

  const notifier = () =>
    createNotifier({
      config,
      logger,
      redactor: createRedactor(config),
      clock: () => new Date(),
      store: async () => store,
    });

  it('two processes sharing the database send one e-mail to both recipients, secrets masked', async () => {
    const script = fileURLToPath(new URL('./send-problem.ts', import.meta.url));
    const args = (n: string) => [
      '--import',
      'tsx',
      script,
      JSON.stringify(input),
      'job:push-orders:unavailable',
      n,
    ];
    await Promise.all([run(process.execPath, args('3')), run(process.execPath, args('3'))]);
    const mails = smtp.received();
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to.sort()).toEqual(['erp-team@example.com', 'ops@example.com']);
    expect(mail.from).toBe('sagesync@example.com');
    expect(mail.user).toBe('mailer');
    const body = bodyOf(mail.raw);
    expect(mail.raw).toMatch(/Subject: \[sagesync\] push-orders could not run/);
    expect(body).toContain('401 invalid_client');
    expect(body).toMatch(/Since: \d{4}-/);
    expect(body).toMatch(/How often: 1 time so far/);
    expect(mail.raw).not.toContain(SECRET);
    const [alert] = await store.openAlerts();
    expect(alert?.occurrences).toBe(6);
  });

  it('sends one recovery e-mail when the problem clears, and no more', async () => {
    const n = notifier()!;
    await n.settle([]);
    await n.settle([]);
    const mails = smtp.received();
    expect(mails).toHaveLength(2);
    expect(mails[1]!.raw).toMatch(/Subject: \[sagesync\] Resolved: push-orders could not run/);
    expect(bodyOf(mails[1]!.raw)).toContain('is no longer reported');
    expect(await store.openAlerts()).toHaveLength(0);
  });

  it('notifyRun e-mails quarantined records, X3-rejected rows and a failed job', async () => {
    await store.quarantine(
      [
        {
          job: 'push-orders',
          entity: 'order',
          entityId: '1017',
          error: 'po_number is 300 characters, the column holds 255',
        },
      ],
      new Date(),
    );
    await store.query(
      `INSERT INTO ${schema}.sagesync_customer (oro_customer_id, name, custom_attributes, reason, payload_hash, status, erp_message, staged_at)
       VALUES (77, 'ACME', '{}', 'order', repeat('a', 64), 'ERROR', 'BPC ACME77: payment term 30NET unknown', now())`,
    );
    const summary: RunSummary = {
      command: 'run-all',
      startedAt: new Date().toISOString(),
      durationMs: 10,
      jobs: [
        pushOrdersFailed,
        {
          job: 'pull-credit',
          outcome: 'failed',
          counts: { read: 0, written: 0, skipped: 0, failed: 0 },
          durationMs: 5,
          failures: [],
          error: {
            kind: 'unavailable',
            message: `Oro at https://shop.example.com answered 503 (client_secret=${SECRET})`,
          },
        },
      ],
    };
    const before = smtp.received().length;
    await notifyRun(summary, store, notifier()!);
    const mails = smtp.received().slice(before);
    const subjects = mails.map((m) => /Subject: (.*)/.exec(m.raw)?.[1] ?? '').sort();
    expect(subjects).toHaveLength(3);
    const all = mails.map((m) => bodyOf(m.raw)).join('\n');
    expect(all).toContain('order 1017: po_number is 300 characters');
    expect(all).toContain('BPC ACME77: payment term 30NET unknown');
    expect(all).toContain('What to do');
    expect(all).not.toContain(SECRET);
    // The same run again within the throttle window: nothing new.
    await notifyRun(summary, store, notifier()!);
    expect(smtp.received().length).toBe(before + 3);
  });

  it('a record joining an open quarantine or X3 problem is never silent and never its own e-mail', async () => {
    const at = (minutes: number) => {
      const t = new Date(Date.now() + minutes * 60_000);
      return createNotifier({
        config,
        logger,
        redactor: createRedactor(config),
        clock: () => t,
        store: async () => store,
      })!;
    };
    const summary: RunSummary = {
      command: 'push-orders',
      startedAt: new Date().toISOString(),
      durationMs: 1,
      jobs: [pushOrdersFailed],
    };
    await store.quarantine(
      [{ job: 'push-orders', entity: 'order', entityId: '1018', error: 'ship_until is not a date' }],
      new Date(),
    );
    await store.query(
      `INSERT INTO ${schema}.sagesync_customer (oro_customer_id, name, custom_attributes, reason, payload_hash, status, erp_message, staged_at)
       VALUES (78, 'BETA', '{}', 'order', repeat('b', 64), 'ERROR', 'BPC BETA78: currency XTS unknown', now())`,
    );
    const before = smtp.received().length;
    await notifyRun(summary, store, at(5));
    await notifyRun(summary, store, at(30));
    expect(smtp.received().length).toBe(before);
    await notifyRun(summary, store, at(61));
    await notifyRun(summary, store, at(62));
    const mails = smtp.received().slice(before);
    const subjects = mails.map((m) => /Subject: (.*)/.exec(m.raw)?.[1] ?? '').sort();
    expect(subjects).toEqual([
      expect.stringMatching(/^\[sagesync\] X3 rejected rows of sagesync_customer: 1 more since/),
      expect.stringMatching(/^\[sagesync\] push-orders: records quarantined: 1 more since/),
    ]);
    const all = mails.map((m) => bodyOf(m.raw)).join('\n');
    expect(all).toContain('order 1018: ship_until is not a date');
    expect(all).toContain('BPC BETA78: currency XTS unknown');
    expect(all).not.toContain('order 1017'); // already e-mailed when the problem started
  });

  it('a dead SMTP server is logged and never fails the caller', async () => {
    const dead = configSchema.parse({
      ...input,
      notifications: {
        ...(input.notifications as object),
        smtp: { host: '127.0.0.1', port: await freePort() },
      },
    });
    const n = createNotifier({
      config: dead,
      logger,
      redactor: createRedactor(dead),
      clock: () => new Date(),
      store: async () => store,
    })!;
    await expect(
      n.problem({ fingerprint: 'job:pull-tracking:unavailable', subject: 'x', body: 'y' }),
    ).resolves.toBeUndefined();
    expect(logText).toMatch(/Could not send the problem e-mail \(the sync itself is not affected\)/);
  });
});
