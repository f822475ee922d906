/**
 * The runner reads time on the injected clock (issue 15): its durations and run-all's time budget
 * come from `ctx.clock`, not from the process's clock, so a test (or a replay) decides them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runJobs } from '../../src/jobs/runner.js';
import { pullBackends, pullEnv, type PullEnv } from './pull-env.js';

const backend = pullBackends('runner-clock.test.ts')[0]!;

describe('runJobs on the injected clock', () => {
  let env: PullEnv | undefined;
  afterAll(async () => {
    await env?.close();
  });

  /** A clock that moves `stepMs` forward at every reading. */
  function steppingClock(stepMs: number): { clock: () => Date; readings: () => number } {
    let n = 0;
    const start = Date.now();
    return { clock: () => new Date(start + n++ * stepMs), readings: () => n };
  }

  it('starts no job once the clock says the budget is spent, and times the run on it', async () => {
    env = await pullEnv(backend);
    const { clock } = steppingClock(60_000);
    const summary = await runJobs(['pull-credit', 'pull-tracking'], env.ctx({ clock }), {
      command: 'run-all',
      dryRun: false,
      timeBudgetSeconds: 50,
    });
    // Read once at the start and once before each job: both see the 50 s budget spent.
    expect(summary.jobs.map((j) => [j.job, j.outcome, j.message])).toEqual([
      ['pull-credit', 'ok', expect.stringMatching(/^Not started: the run-all time budget of 50 s/)],
      ['pull-tracking', 'ok', expect.stringMatching(/^Not started: the run-all time budget of 50 s/)],
    ]);
    expect(summary.durationMs % 60_000).toBe(0);
    expect(summary.durationMs).toBeGreaterThanOrEqual(180_000);
    expect(Date.parse(summary.startedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('a job run without a budget is timed on the clock too', async () => {
    env ??= await pullEnv(backend);
    const { clock } = steppingClock(1_000);
    const summary = await runJobs(['pull-credit'], env.ctx({ clock }), {
      command: 'pull-credit',
      dryRun: false,
    });
    const [credit] = summary.jobs;
    expect(credit?.outcome).toBe('ok');
    expect(credit?.message).toBeUndefined();
    expect(summary.durationMs % 1_000).toBe(0);
    expect(summary.durationMs).toBeGreaterThanOrEqual(2_000);
  });
});
