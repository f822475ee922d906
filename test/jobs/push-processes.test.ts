/**
 * Guarantee 1 under crashes and overlapping runs, against the real PostgreSQL server: push-orders
 * runs as the built CLI in child processes (through the runner: lock + sagesync_run), is killed with SIGKILL at
 * random moments at least 20 times, then run to completion: no order missing, none twice, no
 * header without all its lines, every customer snapshot committed no later than its orders.
 * Then three processes started at once: no duplicates, the lock makes the others skip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeExit, parseJsonOutput, startCli, tempDir, writeConfig } from '../../tools/demo/harness.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import { BACKENDS } from '../staging/helpers/backends.js';
import { CLIENT, ordersWithoutEarlierCustomer, pushEnv, sameMoney, type PushEnv } from './push-env.js';

const pg = BACKENDS.find((b) => b.name === 'postgres');
const MIN_KILLS = 20;

if (!pg?.available) {
  console.warn(`push-processes.test.ts: skipped: ${pg?.reason ?? 'SAGESYNC_TEST_PG_URL is not set'}`);
}

interface ChildRun {
  killed: boolean;
  summary: RunSummary | null;
  why: string;
}

/**
 * Runs the built CLI (`sagesync push-orders --json`, as cron does). With `killAt`, SIGKILLs it
 * `delayMs` after the sandbox has answered its `requests`-th order request of this run: so the
 * kills land mid-work (between reads, inside transactions, right after commits), not at start-up.
 */
function runChild(
  env: PushEnv,
  configFile: string,
  killAt?: { requests: number; delayMs: number },
): Promise<ChildRun> {
  const base = env.sandbox.requests.length;
  const run = startCli(['push-orders', '-c', configFile, '--json']);
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  if (killAt) {
    timer = setInterval(() => {
      const seen = env.sandbox.requests.slice(base).filter((r) => r.path.endsWith('/orders')).length;
      if (seen < killAt.requests) return;
      clearInterval(timer);
      setTimeout(() => (killed = run.child.kill('SIGKILL')), killAt.delayMs);
    }, 2);
  }
  return run.done.then((r) => {
    clearInterval(timer);
    const summary = r.signal ? null : parseJsonOutput<RunSummary>(r.stdout);
    return { killed: killed && r.signal === 'SIGKILL', summary, why: describeExit(r) };
  });
}

async function assertExactlyOnce(env: PushEnv): Promise<void> {
  const staged = await env.staged();
  const expected = env.sandbox.all('orders');
  expect(staged.map((s) => s.oroOrderId)).toEqual(expected.map((o) => Number(o.id)));
  for (const o of expected) {
    const s = staged.find((x) => x.oroOrderId === Number(o.id));
    expect(s?.lines, `lines of ${o.id}`).toBe((o.relationships.lineItems as unknown[]).length);
    expect(sameMoney(s?.total, o.attributes.totalValue)).toBe(true);
  }
  expect(await ordersWithoutEarlierCustomer(env)).toEqual([]);
}

describe.skipIf(!pg?.available)('push-orders in child processes (PostgreSQL)', () => {
  let env: PushEnv;
  let configFile = '';
  const tmp = tempDir('push-kill');
  beforeAll(async () => {
    env = await pushEnv(pg!, {
      sandbox: { seed: { orders: 800, customers: 60, linesPerOrder: [1, 6], sameUpdatedAt: 5, seed: 21 } },
      config: { oro: { pageSize: 20 } as never, orders: { batchSize: 7 } },
    });
    configFile = writeConfig(tmp.dir, {
      oroUrl: env.sandbox.url,
      ...CLIENT,
      staging: {
        dialect: 'postgres',
        url: process.env.SAGESYNC_TEST_PG_URL,
        schema: env.schema,
        tls: { enabled: false },
      },
      extra: {
        oro: { url: env.sandbox.url, ...CLIENT, pageSize: 20, maxRetries: 1 },
        orders: { batchSize: 7 },
        logging: { level: 'error', format: 'json' },
      },
    });
  }, 180_000);
  afterAll(async () => {
    await env?.close();
    tmp.remove();
  }, 60_000);

  it(
    `survives ${MIN_KILLS}+ SIGKILLs: every order once, with all lines, customers first`,
    { timeout: 240_000 },
    async () => {
      let kills = 0;
      for (let i = 0; kills < MIN_KILLS && i < 60; i++) {
        if (i % 4 === 3) env.sandbox.addOrder({ lines: 3 }); // new work keeps arriving between crashes
        const killAt = {
          requests: 1 + Math.floor(Math.random() * 10),
          delayMs: Math.floor(Math.random() * 40),
        };
        const r = await runChild(env, configFile, killAt);
        if (r.killed) kills++;
        else if (r.summary?.jobs[0]?.outcome !== 'ok') throw new Error(`push-orders: ${r.why}`);
        // Between crashes: never a header without all of its lines.
        const partial = (await env.staged()).filter((s) => s.lines === 0);
        expect(partial).toEqual([]);
      }
      expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
      for (let i = 0; i < 5; i++) {
        const r = await runChild(env, configFile);
        expect(r.summary?.jobs[0]?.outcome, r.why).toBe('ok');
        if (r.summary?.jobs[0]?.counts.written === 0) break;
      }
      await assertExactlyOnce(env);
    },
  );

  it(
    'three processes at once: no duplicates, the lock makes the others skip',
    { timeout: 120_000 },
    async () => {
      for (let i = 0; i < 300; i++) env.sandbox.addOrder({ lines: 4 });
      env.sandbox.setFaults({ latencyMs: 5 }); // long enough for the three runs to overlap
      const runs = await Promise.all([1, 2, 3].map(() => runChild(env, configFile)));
      env.sandbox.setFaults({});
      const outcomes = runs.map((r) => r.summary?.jobs[0]?.outcome);
      expect(outcomes.filter((o) => o === 'skipped-locked').length).toBeGreaterThanOrEqual(1);
      expect(outcomes.filter((o) => o === 'failed')).toEqual([]);
      for (let i = 0; i < 3; i++) {
        const r = await runChild(env, configFile);
        if (r.summary?.jobs[0]?.counts.written === 0) break;
      }
      await assertExactlyOnce(env);
    },
  );
});
