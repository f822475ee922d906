/**
 * Runs jobs one after the other, each under its own lock, recording each run in sagesync_run.
 * One job failing (Oro down) does not stop the others: errors become the job's report, and the
 * CLI picks the exit code from the reports (src/cli/exit.ts, with worst-kind.ts).
 */
import { hostname } from 'node:os';
import type { Logger } from '../log/types.js';
import type { OroClient } from '../oro/types.js';
import { notifyRun, pullSources } from '../notify/run-problems.js';
import { StoreBusyError } from '../staging/store-busy.js';
import type { JobLock, StagingStore } from '../staging/store.js';
import type { RunContext } from './context.js';
import { loadJob } from './catalog.js';
import { failedReport, notRunReport } from './kit/report.js';
import { stopCause, type StopCause } from './stop.js';
import type { JobDeps, JobName, JobOptions, JobReport, RequestCounts } from './types.js';

export interface RunSummary {
  command: string;
  startedAt: string;
  durationMs: number;
  jobs: JobReport[];
}

export interface RunJobsOptions extends JobOptions {
  command: string;
  /**
   * Seconds after which no job and no batch starts: the CLI passes `runAll.maxDurationSeconds`
   * for `run-all`; a job run by hand has none.
   */
  timeBudgetSeconds?: number;
}

/** Runs `names` in order; times and the time budget are read on `ctx.clock`. */
export async function runJobs(
  names: readonly JobName[],
  ctx: RunContext,
  options: RunJobsOptions,
): Promise<RunSummary> {
  const now = (): number => ctx.clock().getTime();
  const t0 = now();
  const startedAt = new Date(t0).toISOString();
  const budget = options.timeBudgetSeconds;
  const deadline = budget === undefined ? undefined : t0 + budget * 1000;
  const summary = (jobs: JobReport[]): RunSummary => ({
    command: options.command,
    startedAt,
    durationMs: now() - t0,
    jobs,
  });

  let store: StagingStore;
  try {
    store = await ctx.openStore();
    // A retry of refused work starts no later than a new batch would (src/staging/retry.ts).
    store.setRetryBudget?.({
      now,
      ...(deadline !== undefined ? { at: deadline } : {}),
      ...(ctx.stop ? { stop: ctx.stop } : {}),
    });
    await store.assertSchemaCurrent();
  } catch (e) {
    if (e instanceof StoreBusyError) {
      ctx.logger.info(`${e.message} Skipped: ${names.join(', ')}.`);
      return summary(names.map((n) => skipped(n, `${e.message} Skipped; the next run will do the work.`)));
    }
    // A signal while the store was being opened (the connect or the SSH tunnel waited for an
    // answer): a stop, as a signal before the first job is; what failed is said at info.
    const signalled = ctx.stop?.aborted ? stopCause({ stop: ctx.stop }) : undefined;
    if (signalled) {
      ctx.logger.info(`The staging database was not opened: ${e instanceof Error ? e.message : String(e)}`);
      return summary(names.map((n) => notStarted(n, signalled, budget ?? 0)));
    }
    // Without the store no alert can be recorded or throttled (sagesync_alert): the exit code and
    // the log carry it (with JSON lines on stderr the CLI prints no other line about it).
    return summary(
      names.map((n) => log(ctx.logger.child?.({ job: n }) ?? ctx.logger, failedReport(n, e, 0))),
    );
  }

  let oroPromise: Promise<OroClient> | undefined;
  // The budget also holds inside a job: the client starts no request once it is spent, read
  // on this clock (not the client's own), so a test's or a replay's clock decides it here too.
  const oro = (): Promise<OroClient> =>
    (oroPromise ??= ctx.openOro().then((client) => {
      client.setDeadline?.(deadline === undefined ? undefined : { at: deadline, now });
      // A signal ends the client's waits (backoff, Retry-After) and starts no retry after it.
      if (ctx.stop) client.setStop?.(ctx.stop);
      return client;
    }));
  const reports: JobReport[] = [];
  for (const name of names) {
    const cause = stopCause(
      {
        ...(deadline !== undefined ? { deadline } : {}),
        ...(ctx.stop ? { stop: ctx.stop } : {}),
      },
      now(),
    );
    if (cause) {
      reports.push(notStarted(name, cause, budget ?? 0));
      continue;
    }
    const deps: JobDeps = {
      config: ctx.config,
      store,
      oro,
      logger: ctx.logger,
      clock: ctx.clock,
      ...(ctx.progress ? { progress: (c) => ctx.progress?.(name, c) } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
      ...(ctx.stop ? { stop: ctx.stop } : {}),
    };
    reports.push(await runOne(name, deps, ctx, options));
  }
  const result = summary(reports);
  if (ctx.notifier && !options.dryRun)
    await notifyRun(result, store, ctx.notifier, ctx.logger, pullSources(ctx.config));
  return result;
}

async function runOne(
  name: JobName,
  deps: JobDeps,
  ctx: RunContext,
  options: RunJobsOptions,
): Promise<JobReport> {
  // Every line about this job carries `job`, and `runId` once the run is recorded (issue 20).
  let logger = deps.logger.child?.({ job: name }) ?? deps.logger;
  const now = (): number => deps.clock().getTime();
  const t0 = now();
  let lock: JobLock | null;
  try {
    lock = await deps.store.tryLock(name);
  } catch (e) {
    return log(logger, failedReport(name, e, now() - t0));
  }
  if (lock === null) {
    return log(
      logger,
      skipped(name, `Another sagesync run holds the lock of ${name}; skipped (it will do the work).`),
    );
  }
  let runId: string | undefined;
  let report: JobReport;
  const before = ctx.requestCounts?.();
  try {
    runId = await deps.store.startRun({
      job: name,
      command: options.command,
      host: hostname(),
      pid: process.pid,
    });
    logger = deps.logger.child?.({ job: name, runId }) ?? deps.logger;
    const job = await loadJob(name, ctx.config);
    const held = lock;
    report = await job(
      { ...deps, logger, assertLock: () => held.verify() },
      { dryRun: options.dryRun, ...(options.ids ? { ids: options.ids } : {}) },
    );
  } catch (e) {
    logger.debug(`${name} failed`, { error: e instanceof Error ? e.stack : String(e) });
    report = failedReport(name, e, now() - t0);
  }
  if (before && ctx.requestCounts) report = { ...report, requests: since(before, ctx.requestCounts()) };
  try {
    if (runId !== undefined) {
      await deps.store.finishRun(runId, {
        outcome: report.outcome,
        counts: { ...report.counts, durationMs: report.durationMs, ...report.requests },
        message: report.error?.message ?? report.message ?? null,
      });
    }
  } catch (e) {
    logger.warn(`Could not record the run of ${name} in the run table: ${(e as Error).message}`);
  } finally {
    await lock.release().catch(() => undefined);
  }
  return log(logger, report);
}

function since(a: RequestCounts, b: RequestCounts): RequestCounts {
  return {
    oroRequests: b.oroRequests - a.oroRequests,
    oroMs: Math.round(b.oroMs - a.oroMs),
    dbStatements: b.dbStatements - a.dbStatements,
    dbMs: Math.round(b.dbMs - a.dbMs),
  };
}

function skipped(job: JobName, message: string): JobReport {
  return notRunReport(job, 'skipped-locked', message);
}

function notStarted(job: JobName, cause: StopCause, budget: number): JobReport {
  const message =
    cause.kind === 'signal'
      ? `Not started: sagesync received ${cause.signal}; the next run continues.`
      : `Not started: the run-all time budget of ${budget} s (runAll.maxDurationSeconds) was used up; the next run continues.`;
  return notRunReport(job, 'ok', message);
}

/** Logs the job's outcome line (with its failed records, one line each) and returns the report. */
function log(logger: Logger, r: JobReport): JobReport {
  const c = r.counts;
  const line = `${r.job}: ${r.outcome} (read ${c.read}, written ${c.written}, skipped ${c.skipped}, failed ${c.failed}, ${r.durationMs} ms)`;
  const extra = r.error?.message ?? r.message;
  if (r.outcome === 'failed') logger.error(`${line}: ${extra ?? ''}`);
  else if (r.outcome === 'records-failed') logger.warn(extra ? `${line}: ${extra}` : line);
  // A minute that wrote nothing says nothing under cron (contract "Under cron … nothing is
  // printed"), including push-orders re-reading its overlap window.
  else if (c.written > 0 || extra) logger.info(extra ? `${line}: ${extra}` : line);
  else logger.debug(line);
  // One line per failed record: a collector can count and filter them (`entity`, `id`).
  for (const f of r.failures) logger.warn(`${r.job}: ${f.entity} ${f.id} failed: ${f.reason}`, { ...f });
  return r;
}
