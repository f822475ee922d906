/**
 * Review finding (stop during a wait): a SIGTERM while a job waited between retries of work the
 * staging database refused cut the wait short, then ended the job `failed` (kind unavailable:
 * exit 69 in the run's summary) and e-mailed an alert, as if the database were down. A stop in any
 * wait is now a stop (StopSignalError, src/stop-wait.ts): "stopped early", nothing written twice
 * or lost, no alert, and an open alert is not "Resolved" by it. Real PostgreSQL (another session
 * holds a staging table, as an X3 job can), the Oro sandbox, a real SMTP server process.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeForSummary } from '../../src/cli/exit.js';
import type { Config } from '../../src/config/schema.js';
import type { RunContext } from '../../src/jobs/context.js';
import { runJobs, type RunSummary } from '../../src/jobs/runner.js';
import type { JobName } from '../../src/jobs/types.js';
import type { Logger } from '../../src/log/types.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { createOroClient } from '../../src/oro/client.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { pullEnv, silent, type PullEnv } from '../jobs/pull-env.js';
import { startSmtp, type SmtpHarness } from '../notify/smtp-harness.js';
import { BACKENDS } from '../staging/helpers/backends.js';

const backend = BACKENDS.find((b) => b.name === 'postgres');
if (!backend?.available) console.warn(`stop-during-wait.test.ts: skipped (${backend?.reason})`);

const ORDERS = 5;
const STOPPED = /^Stopped early: sagesync received SIGTERM while /;

describe.skipIf(!backend?.available)('a stop signal during a wait is a stop, not a failure', () => {
  let smtp: SmtpHarness;
  let env: PullEnv;
  let holder: pg.Client;
  const opened: StagingStore[] = [];
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => smtp?.stop());
  beforeEach(async () => {
    env = await pullEnv(backend!, {
      sandbox: { seed: { orders: ORDERS, seed: 9 } },
      config: {
        notifications: { to: ['ops@example.com'], smtp: { host: '127.0.0.1', port: smtp.port } },
      },
    });
    holder = new pg.Client({ connectionString: process.env.SAGESYNC_TEST_PG_URL });
    await holder.connect();
  }, 120_000);
  afterEach(async () => {
    await holder.end().catch(() => undefined);
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
    await env.close();
  });

  /** Another session holds `table` (reads go on, writes wait) until `release`. */
  async function hold(table: string): Promise<() => Promise<void>> {
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${env.store.tableName(table as 'order')} IN EXCLUSIVE MODE`);
    return async () => void (await holder.query('ROLLBACK'));
  }

  /**
   * A store whose statements end at 300 ms (a refusal, retried after 250 ms, 1 s, 4 s); `atWait`
   * is told when a wait begins. The waits are real: the signal has to end one.
   */
  async function store(atWait?: () => void, retries?: number): Promise<StagingStore> {
    const config: Config = { ...env.config, staging: { ...env.config.staging, statementTimeoutMs: 300 } };
    const s = await openStore(config, {
      retry: { ...(atWait ? { onWait: atWait } : {}), ...(retries !== undefined ? { retries } : {}) },
    });
    opened.push(s);
    return s;
  }

  /** A SIGTERM 30 ms into the first wait (as src/index.ts aborts the run's signal). */
  function sigtermInWait(stop: AbortController): () => void {
    return () => void setTimeout(() => stop.abort('SIGTERM'), 30);
  }

  function run(names: JobName[], ctx: Partial<RunContext>, s: StagingStore): Promise<RunSummary> {
    const notifier = createNotifier({
      config: env.config,
      logger: silent,
      redactor: { redact: (t) => t },
      clock: () => new Date(),
      store: async () => s,
    })!;
    return runJobs(
      names,
      { ...env.ctx(), openStore: async () => s, notifier, ...ctx },
      { command: 'run-all', dryRun: false },
    ).finally(() => notifier.close());
  }

  async function stagedOrders(): Promise<{ n: number; distinct: number }> {
    const r = await env.store.query(
      `SELECT count(*) AS n, count(DISTINCT oro_order_id) AS d FROM ${env.store.tableName('order')}`,
    );
    return { n: Number(r[0]!['n']), distinct: Number(r[0]!['d']) };
  }

  /** Subjects, unfolded and with RFC 2047 Q-encoded words decoded. */
  const subjects = (): string[] =>
    smtp.received().map((m) =>
      (/^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(m.raw)?.[1] ?? '')
        .replace(/\r\n[ \t]/g, '')
        .replace(/=\?UTF-8\?Q\?(.*?)\?=\s*/gi, (_w, q: string) =>
          Buffer.from(
            q
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
        ),
    );

  it('push-orders: a SIGTERM in a staging retry wait; no alert, no "Resolved"; the next run stages each order once', async () => {
    const mails = smtp.received().length;
    const release = await hold('order');
    // The database refuses the work for real: exit 69 and one alert (as before).
    const down = await run(['push-orders'], {}, await store(undefined, 1));
    expect(down.jobs[0]).toMatchObject({ outcome: 'failed', error: { kind: 'unavailable' } });
    expect(smtp.received().length - mails).toBe(1);

    const stop = new AbortController();
    const stopped = await run(['push-orders'], { stop: stop.signal }, await store(sigtermInWait(stop)));
    const job = stopped.jobs[0]!;
    expect(job.error, job.message).toBeUndefined();
    expect(job.outcome).toBe('ok');
    expect(job.message).toMatch(STOPPED);
    expect(job.message).toContain('waiting to retry work the staging database refused');
    expect(exitCodeForSummary(stopped)).toBe(0); // the CLI exits 143: the signal's code
    // Neither a new alert nor a "Resolved" for the open one: the job did not get to its end.
    expect(smtp.received().length - mails).toBe(1);
    const runs = await env.store.query(
      `SELECT outcome, message FROM ${env.store.tableName('run')} ORDER BY started_at DESC`,
    );
    expect(runs[0]).toMatchObject({ outcome: 'ok' });
    expect(String(runs[0]!['message'])).toMatch(STOPPED);
    expect((await stagedOrders()).n).toBe(0);

    await release();
    const next = await run(['push-orders'], {}, await store());
    expect(next.jobs[0]).toMatchObject({ outcome: 'ok', counts: { written: ORDERS } });
    expect(await stagedOrders()).toEqual({ n: ORDERS, distinct: ORDERS });
    expect(subjects().slice(mails)).toEqual([
      expect.stringMatching(/push-orders could not run/),
      expect.stringMatching(/^\[sagesync\] Resolved:/),
    ]);
  }, 60_000);

  it('pull-credit: a SIGTERM in the wait to mark a row; the row stays NEW and is applied once next run', async () => {
    const mails = smtp.received().length;
    const customer = env.sandbox.addCustomer({ name: 'Alpha' });
    await env.insert('customer_map', { oro_customer_id: Number(customer), erp_customer_code: 'CA' });
    const id = await env.insert('credit_limit', { erp_customer_code: 'CA', credit_limit: '1500' });
    const release = await hold('credit_limit');
    const stop = new AbortController();
    const stopped = await run(['pull-credit'], { stop: stop.signal }, await store(sigtermInWait(stop)));
    const job = stopped.jobs[0]!;
    expect(job.error, job.message).toBeUndefined();
    expect(job).toMatchObject({ outcome: 'ok', counts: { written: 0, failed: 0 } });
    expect(job.message).toMatch(STOPPED);
    await release();
    expect((await env.rows('credit_limit')).map((r) => r['status'])).toEqual(['NEW']);

    const next = await run(['pull-credit'], {}, await store());
    expect(next.jobs[0]).toMatchObject({ outcome: 'ok', counts: { written: 1 } });
    const rows = await env.rows('credit_limit');
    expect(rows.map((r) => [String(r['staging_id']), r['status']])).toEqual([[id, 'DONE']]);
    expect(env.sandbox.customer(customer)?.attributes['creditLimit']).toBe('1500.0000');
    expect(smtp.received().length - mails).toBe(0);
  }, 60_000);

  /** A real Oro client (real waits), whose retry warning raises the SIGTERM mid-wait. */
  function oroStoppedInWait(stop: AbortController): RunContext['openOro'] {
    const logger: Logger = { ...silent, warn: () => void setTimeout(() => stop.abort('SIGTERM'), 30) };
    const oro = createOroClient({ ...env.config, oro: { ...env.config.oro, maxRetries: 2 } }, { logger });
    return async () => oro;
  }

  it("push-orders: a SIGTERM while waiting out Oro's Retry-After of an hour", async () => {
    const mails = smtp.received().length;
    env.sandbox.setFaults({ burst429: { count: 1, retryAfterSeconds: 3600 } });
    const stop = new AbortController();
    const s = await store();
    const stopped = await run(['push-orders'], { stop: stop.signal, openOro: oroStoppedInWait(stop) }, s);
    const job = stopped.jobs[0]!;
    expect(job.error, job.message).toBeUndefined();
    expect(job.outcome).toBe('ok');
    expect(job.message).toMatch(
      /^Stopped early: sagesync received SIGTERM while waiting to retry GET orders \(HTTP 429\)/,
    );
    expect(smtp.received().length - mails).toBe(0);

    env.sandbox.setFaults({});
    const next = await run(['push-orders'], {}, s);
    expect(next.jobs[0]).toMatchObject({ outcome: 'ok', counts: { written: ORDERS } });
    expect(await stagedOrders()).toEqual({ n: ORDERS, distinct: ORDERS });
  }, 60_000);

  it('pull-credit: a SIGTERM while a PATCH waits for its retry; the row stays NEW', async () => {
    const customer = env.sandbox.addCustomer({ name: 'Beta' });
    await env.insert('customer_map', { oro_customer_id: Number(customer), erp_customer_code: 'CB' });
    await env.insert('credit_limit', { erp_customer_code: 'CB', credit_limit: '20' });
    env.sandbox.setFaults({ burst429: { count: 1, retryAfterSeconds: 3600, status: 503 } });
    const stop = new AbortController();
    const s = await store();
    const stopped = await run(['pull-credit'], { stop: stop.signal, openOro: oroStoppedInWait(stop) }, s);
    const job = stopped.jobs[0]!;
    expect(job.error, job.message).toBeUndefined();
    expect(job.message).toMatch(
      /^Stopped early: sagesync received SIGTERM while waiting to retry PATCH customers\/\d+ \(HTTP 503\); 1 row is left for the next run\./,
    );
    expect((await env.rows('credit_limit')).map((r) => r['status'])).toEqual(['NEW']);
  }, 60_000);

  it("a SIGTERM during the wait before a retry of Oro's token endpoint", async () => {
    env.sandbox.setFaults({ errorRate: { 503: 1 }, onTokenEndpoint: true });
    const stop = new AbortController();
    const stopped = await run(
      ['push-orders'],
      { stop: stop.signal, openOro: oroStoppedInWait(stop) },
      await store(),
    );
    const job = stopped.jobs[0]!;
    expect(job.error, job.message).toBeUndefined();
    expect(job.message).toMatch(
      /^Stopped early: sagesync received SIGTERM while waiting to retry Oro's token endpoint/,
    );
  }, 60_000);

  it('a SIGTERM while the staging database is being connected to: the jobs are not started', async () => {
    // A server that takes the connection and resets it once the signal has come.
    const sockets: Socket[] = [];
    const stop = new AbortController();
    const server: Server = createServer((socket) => {
      sockets.push(socket);
      stop.abort('SIGTERM');
      setTimeout(() => socket.resetAndDestroy(), 30);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const config: Config = {
        ...env.config,
        staging: {
          ...env.config.staging,
          url: undefined,
          host: '127.0.0.1',
          port,
          database: 'x',
          user: 'u',
          password: 'p',
        },
      };
      const summary = await runJobs(
        ['push-orders', 'pull-credit'],
        { ...env.ctx(), openStore: () => openStore(config), stop: stop.signal },
        { command: 'run-all', dryRun: false },
      );
      expect(summary.jobs.map((j) => [j.job, j.outcome, j.error, j.message])).toEqual([
        ['push-orders', 'ok', undefined, 'Not started: sagesync received SIGTERM; the next run continues.'],
        ['pull-credit', 'ok', undefined, 'Not started: sagesync received SIGTERM; the next run continues.'],
      ]);
      expect(sockets).toHaveLength(1);
    } finally {
      server.close();
    }
  }, 60_000);
});
