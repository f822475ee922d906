/**
 * `sagesync run-all`: what cron or a Kubernetes CronJob calls every minute. The four jobs of the
 * contract in order (then custom streams, src/jobs/registry.ts), each under its own lock, within
 * `runAll.maxDurationSeconds`: no job and no batch starts after the budget, so a one-minute
 * schedule never piles up runs.
 */
import type { RunContext } from './context.js';
import { runAllJobNames } from './registry.js';
import { runJobs, type RunSummary } from './runner.js';
import type { JobOptions } from './types.js';

export async function runAll(ctx: RunContext, options: JobOptions): Promise<RunSummary> {
  return runJobs(runAllJobNames(ctx.config), ctx, {
    ...options,
    command: 'run-all',
    timeBudgetSeconds: ctx.config.runAll.maxDurationSeconds,
  });
}
