/**
 * The job runner with real components: per-job locks (held by another process on PostgreSQL, by
 * the same process on PGlite), sagesync_run records, one job failing without stopping the others,
 * the time budget, and the embedded store held by another process.
 */
import { describe, expect, it } from 'vitest';
import { runJobs } from '../../src/jobs/runner.js';
import { exitCodeForSummary } from '../../src/cli/exit.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/staging/open-store.js';
import { BACKENDS } from '../staging/helpers/backends.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import { holdInChild, kill } from '../staging/helpers/child.js';
import { buildConfig, pullBackends, pullFixture, silent, type PullEnv } from './pull-env.js';

const backends = pullBackends('runner.test.ts');
const opts = { command: 'test', dryRun: false };

describe.each(backends.map((b) => [b.name, b] as const))('runJobs on %s', (name, backend) => {
  const fx = pullFixture(backend);
  let env: PullEnv | undefined;

  it('skips a job whose lock another runner holds; the others run and are recorded', async () => {
    env = await fx.open({ sandbox: { seed: { orders: 2, customers: 1, linesPerOrder: [1, 1] } } });
    const customer = env.sandbox.addCustomer({ name: 'Alpha' });
    await env.insert('credit_limit', {
      erp_customer_code: 'CA',
      oro_customer_id: Number(customer),
      credit_limit: '7',
    });
    const order = env.sandbox.all('orders')[0]!.id;
    await env.insert('shipment', { oro_order_id: Number(order), carrier: 'UPS', tracking_number: 'Z1' });

    let release: () => Promise<void>;
    if (name === 'postgres') {
      const holder = await holdInChild(env.config, 'pull-credit');
      release = () => kill(holder);
    } else {
      const lock = await env.store.tryLock('pull-credit');
      expect(lock).not.toBeNull();
      release = () => lock!.release();
    }
    try {
      const summary = await runJobs(['pull-credit', 'pull-tracking'], env.ctx(), opts);
      expect(summary.jobs.map((j) => [j.job, j.outcome])).toEqual([
        ['pull-credit', 'skipped-locked'],
        ['pull-tracking', 'ok'],
      ]);
      expect(summary.jobs[0]?.message).toMatch(/holds the lock of pull-credit/);
      expect(exitCodeForSummary(summary)).toBe(0);
    } finally {
      await release();
    }
    const rows = await env.rows('credit_limit');
    expect(rows[0]?.['status']).toBe('NEW');
    expect(env.sandbox.trackings(order).map((t) => t.number)).toEqual(['Z1']);
    const runs = await env.store.lastRuns();
    expect(runs.find((r) => r.job === 'pull-tracking')).toMatchObject({ outcome: 'ok', command: 'test' });
    // The lock is free again after the run: the next run applies the credit limit.
    const next = await runJobs(['pull-credit'], env.ctx(), opts);
    expect(next.jobs[0]?.outcome).toBe('ok');
    expect(env.sandbox.customer(customer)?.attributes['creditLimit']).toBe('7.0000');
  });

  it('one job failing on Oro does not stop the next; exit code 69', async () => {
    env = await fx.open();
    await env.insert('credit_limit', { erp_customer_code: 'CA', oro_customer_id: 1, credit_limit: '7' });
    await env.insert('credit_limit', { erp_customer_code: 'CB', oro_customer_id: 2, credit_limit: '-7' });
    await env.insert('shipment', { erp_order_number: 'SO-404', carrier: 'UPS', tracking_number: 'Z1' });
    const down = new ServiceUnavailableError('oro', 'Oro at http://127.0.0.1:9 cannot be reached.');
    const summary = await runJobs(
      ['pull-credit', 'pull-tracking'],
      env.ctx({ openOro: () => Promise.reject(down) }),
      opts,
    );
    expect(summary.jobs.map((j) => [j.job, j.outcome, j.error?.kind])).toEqual([
      ['pull-credit', 'failed', 'unavailable'],
      ['pull-tracking', 'records-failed', undefined],
    ]);
    expect((await env.rows('shipment'))[0]?.['status']).toBe('ERROR');
    // pull-credit marked the row it could decide without Oro before finding Oro down.
    expect(summary.jobs[0]?.counts).toMatchObject({ read: 2, failed: 1 });
    expect((await env.rows('credit_limit')).map((r) => r['status'])).toEqual(['NEW', 'ERROR']);
    expect(exitCodeForSummary(summary)).toBe(69);
  });

  it('hands the run to the notifier: ERROR rows become a problem, the rest is settled', async () => {
    env = await fx.open();
    const bad = await env.insert('credit_limit', { erp_customer_code: 'NOPE', credit_limit: '5' });
    const problems: { fingerprint: string; subject: string; body: string }[] = [];
    const settled: string[][] = [];
    const notifier = {
      problem: async (p: { fingerprint: string; subject: string; body: string }) => void problems.push(p),
      settle: async (active: readonly string[]) => void settled.push([...active]),
    };
    const summary = await runJobs(['pull-credit'], env.ctx({ notifier }), opts);
    expect(exitCodeForSummary(summary)).toBe(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.subject).toBe('pull-credit: 1 row of sagesync_credit_limit in ERROR');
    expect(problems[0]?.fingerprint).toBe('pull-errors:pull-credit:sagesync_credit_limit');
    expect(problems[0]?.body).toContain(`staging_id ${bad}`);
    expect(settled).toEqual([[problems[0]?.fingerprint]]);
  });

  it('starts no batch and no job after the time budget', async () => {
    // Every Oro request takes 15 ms: a batch of 100 creates outlasts a 1 s budget.
    env = await fx.open({
      sandbox: { seed: { orders: 3, customers: 1, linesPerOrder: [1, 1] }, faults: { latencyMs: 15 } },
    });
    const orders = env.sandbox.all('orders').map((o) => Number(o.id));
    await env.insertMany(
      'shipment',
      Array.from({ length: 300 }, (_, i) => ({
        oro_order_id: orders[i % 3],
        carrier: 'UPS',
        tracking_number: `B${i}`,
      })),
    );
    await env.insert('credit_limit', { erp_customer_code: 'CA', oro_customer_id: 1, credit_limit: '7' });
    const summary = await runJobs(['pull-tracking', 'pull-credit'], env.ctx(), {
      ...opts,
      timeBudgetSeconds: 1,
    });
    const [tracking, credit] = summary.jobs;
    expect(tracking?.message).toMatch(/time budget/);
    const statuses = (await env.rows('shipment')).map((r) => r['status']);
    const done = statuses.filter((s) => s === 'DONE').length;
    expect(done).toBeLessThanOrEqual(100);
    expect(statuses.filter((s) => s === 'NEW').length).toBe(300 - done);
    expect(credit).toMatchObject({ outcome: 'ok', message: expect.stringMatching(/Not started/) });
    expect((await env.rows('credit_limit'))[0]?.['status']).toBe('NEW');
  });
});

describe('runJobs with the embedded store held by another process', () => {
  it('reports every job skipped (exit 0) and touches nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sagesync-runner-'));
    const embedded = BACKENDS.find((b) => b.name === 'embedded')!;
    const config = buildConfig(embedded, 'public', 'http://127.0.0.1:9', { staging: { path: dir } });
    const first = await openStore(config);
    await first.migrate();
    await first.close();
    const holder = await holdInChild(config, '-');
    try {
      const ctx = {
        config,
        logger: silent,
        clock: () => new Date(),
        openStore: () => openStore(config),
        openOro: () => Promise.reject(new Error('must not be called')),
      };
      const summary = await runJobs(['pull-credit', 'pull-tracking'], ctx, opts);
      expect(summary.jobs.map((j) => j.outcome)).toEqual(['skipped-locked', 'skipped-locked']);
      expect(summary.jobs[0]?.message).toMatch(/holds the embedded database/);
      expect(exitCodeForSummary(summary)).toBe(0);
    } finally {
      await kill(holder);
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
