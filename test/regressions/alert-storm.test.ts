/**
 * Issue 19 "Alert storms": X3 writes one bad credit-limit row a minute for an hour. Before, each
 * run's ERROR rows were their own problem: 60 e-mails. Now the rows in ERROR are one standing
 * problem per job and table: one e-mail when it starts, one digest naming every row that joined
 * within the throttle window, one recovery e-mail when X3 has fixed them and they applied.
 * Real pull-credit runs (runJobs) against the Oro sandbox, a real SMTP server process, the alert
 * state in the staging database shared by two "hosts" (two stores and notifiers taking turns on
 * PostgreSQL), and an injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunContext } from '../../src/jobs/context.js';
import { runJobs } from '../../src/jobs/runner.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { pullBackends, pullEnv, silent, type PullEnv } from '../jobs/pull-env.js';
import { bodyOf, startSmtp, type SmtpHarness } from '../notify/smtp-harness.js';

const backend = pullBackends('alert-storm.test.ts').at(-1)!; // PostgreSQL when set: two real hosts
const T0 = Date.UTC(2026, 2, 10, 8, 0);

describe(`an hour of one bad row a minute (${backend.name})`, () => {
  let smtp: SmtpHarness;
  let env: PullEnv;
  let second: StagingStore;
  beforeAll(async () => {
    smtp = await startSmtp();
    env = await pullEnv(backend, {
      config: {
        notifications: {
          to: ['ops@example.com'],
          smtp: { host: '127.0.0.1', port: smtp.port },
          throttleMinutes: 60,
        },
      },
    });
    second = backend.name === 'postgres' ? await openStore(env.config) : env.store;
  }, 120_000);
  afterAll(async () => {
    if (second !== env?.store) await second?.close();
    await env?.close();
    await smtp?.stop();
  });

  it('sends one problem e-mail, one digest and one recovery, naming all 60 rows', async () => {
    let now = T0;
    const clock = () => new Date(now);
    const hosts = [env.store, second].map((store) => {
      const notifier = createNotifier({
        config: env.config,
        logger: silent,
        redactor: { redact: (t) => t },
        clock,
        store: async () => store,
      })!;
      const ctx: RunContext = { ...env.ctx({ clock, notifier }), openStore: async () => store };
      return { notifier, ctx };
    });
    const run = async (minute: number) => {
      now = T0 + minute * 60_000;
      const host = hosts[minute % 2]!;
      return runJobs(['pull-credit'], host.ctx, { dryRun: false, command: 'run-all' });
    };
    const ids: string[] = [];
    for (let m = 0; m < 60; m++) {
      ids.push(await env.insert('credit_limit', { erp_customer_code: 'C-NEW', credit_limit: `${100 + m}` }));
      const summary = await run(m);
      expect(summary.jobs[0]?.counts.failed).toBe(1);
    }
    expect(smtp.received()).toHaveLength(1);
    await run(60); // the window has ended: the digest
    // X3 stages the customer, sagesync learns the code, X3 sets the rows back to NEW.
    const customer = env.sandbox.addCustomer({ name: 'New customer' });
    await env.insert('customer_map', { oro_customer_id: Number(customer), erp_customer_code: 'C-NEW' });
    await env.store.query(
      `UPDATE ${env.store.tableName('credit_limit')} SET status = 'NEW', sync_message = NULL WHERE status = 'ERROR'`,
    );
    const fixed = await run(61);
    expect(fixed.jobs[0]?.counts).toMatchObject({ written: 1, failed: 0 });
    await run(62);
    for (const h of hosts) h.notifier.close();

    const mails = smtp.received().map((m) => ({
      subject: (/^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(m.raw)?.[1] ?? '').replace(/\r\n(?=[ \t])/g, ''),
      body: bodyOf(m.raw),
    }));
    const recoveries = mails.filter((m) => m.subject.startsWith('[sagesync] Resolved:'));
    const problems = mails.filter((m) => !m.subject.startsWith('[sagesync] Resolved:'));
    expect(problems.map((m) => m.subject)).toEqual([
      '[sagesync] pull-credit: 1 row of sagesync_credit_limit in ERROR',
      '[sagesync] pull-credit: rows of sagesync_credit_limit in ERROR: 59 more since 08:01 UTC',
    ]);
    expect(recoveries).toHaveLength(1);
    const all = mails.map((m) => m.body).join('\n');
    for (const id of ids)
      expect(all).toMatch(new RegExp(`staging_id ${id}: Unknown X3 customer code "C-NEW"`));
    expect(problems[1]?.body).toMatch(/^59 records joined this open problem since its last e-mail:/);
  }, 180_000);
});
