/**
 * Guarantee 1 under crashes and overlapping runs, against the real PostgreSQL server: push-orders
 * runs in child processes (through the runner: lock + sagesync_run), is killed with SIGKILL at
 * random moments at least 20 times, then run to completion: no order missing, none twice, no
 * header without all its lines, every customer snapshot committed no later than its orders.
 * Then three processes started at once: no duplicates, the lock makes the others skip.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/jobs/runner.js';
import { BACKENDS } from '../staging/helpers/backends.js';
import { ordersWithoutEarlierCustomer, pushEnv, sameMoney, type PushEnv } from './push-env.js';

const pg = BACKENDS.find((b) => b.name === 'postgres');
const child = fileURLToPath(new URL('./push-child.ts', import.meta.url));
const MIN_KILLS = 20;

if (!pg?.available) {
  console.warn(`push-processes.test.ts: skipped: ${pg?.reason ?? 'SAGESYNC_TEST_PG_URL is not set'}`);
}

interface ChildRun {
  killed: boolean;
  summary: RunSummary | null;
  stderr: string;
}

/** Runs the child; with `killAfterMs`, SIGKILLs it that long after its first progress line. */
function runChild(configJson: string, killAfterMs?: number): Promise<ChildRun> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, configJson], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let killed = false;
    let armed = false;
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== undefined && !armed && out.includes('progress')) {
        armed = true;
        setTimeout(() => {
          killed = proc.kill('SIGKILL');
        }, killAfterMs);
      }
    });
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (_code, signal) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      let summary: RunSummary | null = null;
      if (signal !== 'SIGKILL' && last.startsWith('{')) summary = JSON.parse(last) as RunSummary;
      resolve({ killed: signal === 'SIGKILL' || killed, summary, stderr });
    });
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
  let configJson = '';
  beforeAll(async () => {
    env = await pushEnv(pg!, {
      sandbox: { seed: { orders: 800, customers: 60, linesPerOrder: [1, 6], sameUpdatedAt: 5, seed: 21 } },
      config: { oro: { pageSize: 20 } as never, orders: { batchSize: 7 } },
    });
    configJson = JSON.stringify(env.config);
  });
  afterAll(async () => env?.close());

  it(`survives ${MIN_KILLS}+ SIGKILLs: every order once, with all lines, customers first`, async () => {
    let kills = 0;
    for (let i = 0; kills < MIN_KILLS && i < 60; i++) {
      if (i % 4 === 3) env.sandbox.addOrder({ lines: 3 }); // new work keeps arriving between crashes
      const r = await runChild(configJson, Math.floor(Math.random() * 120));
      if (r.killed) kills++;
      else if (r.summary?.jobs[0]?.outcome === 'failed') throw new Error(`child failed: ${r.stderr}`);
      // Between crashes: never a header without all of its lines.
      const partial = (await env.staged()).filter((s) => s.lines === 0);
      expect(partial).toEqual([]);
    }
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    for (let i = 0; i < 5; i++) {
      const r = await runChild(configJson);
      expect(r.summary?.jobs[0]?.outcome, r.stderr).toBe('ok');
      if (r.summary?.jobs[0]?.counts.written === 0) break;
    }
    await assertExactlyOnce(env);
  });

  it('three processes at once: no duplicates, the lock makes the others skip', async () => {
    for (let i = 0; i < 300; i++) env.sandbox.addOrder({ lines: 4 });
    env.sandbox.setFaults({ latencyMs: 5 }); // long enough for the three runs to overlap
    const runs = await Promise.all([runChild(configJson), runChild(configJson), runChild(configJson)]);
    env.sandbox.setFaults({});
    const outcomes = runs.map((r) => r.summary?.jobs[0]?.outcome);
    expect(outcomes.filter((o) => o === 'skipped-locked').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.filter((o) => o === 'failed')).toEqual([]);
    for (let i = 0; i < 3; i++) {
      const r = await runChild(configJson);
      if (r.summary?.jobs[0]?.counts.written === 0) break;
    }
    await assertExactlyOnce(env);
  });
});
