/**
 * The job commands (the catalog's, src/jobs/catalog.ts), run-all and run-stream: load the
 * configuration, build the run context, hand over to the runner (src/jobs/runner.ts) and print
 * its RunSummary.
 */
import type { JobName, JobReport } from '../../jobs/types.js';
import type { RunSummary } from '../../jobs/runner.js';
import { colourWanted } from '../colour.js';
import { exitCodeForError, exitCodeForSignal, exitCodeForSummary } from '../exit.js';
import type { CommandResult } from '../output.js';
import type { Runtime } from '../runtime.js';
import { runtimeCommand } from './load.js';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log/types.js';
import type { RunMonitor } from '../../monitoring/monitor.js';
import { UsageError } from '../../errors.js';

export const run = runtimeCommand(async (rt, { command, opts, env, loaded }) => {
  if (loaded.unknownEnv.length > 0) {
    rt.logger.debug(
      `Ignored environment variables that name no configuration key: ${loaded.unknownEnv.join(', ')}`,
    );
  }
  const said = (): void =>
    rt.logger.warn(
      `Received ${String(env.stop?.reason)}: no new batch starts; the batch in flight commits or rolls back, the locks are released, then sagesync exits. A second signal exits at once.`,
      { signal: String(env.stop?.reason) },
    );
  if (env.stop?.aborted) said();
  else env.stop?.addEventListener('abort', said, { once: true });
  const { runJobs } = await import('../../jobs/runner.js');
  const target = await targetOf(command, opts, loaded.config);
  const ids = Array.isArray(opts.id) ? (opts.id as string[]) : undefined;
  const { createProgress } = await import('../progress.js');
  const progress = await createProgress({
    json: env.flags.json,
    quiet: env.flags.quiet,
    colour: colourWanted(env.io.env, true, env.flags.noColor),
  });
  // A dry run is not a run the dead-man's switch or the metrics may count.
  const monitor = opts.dryRun === true ? undefined : await monitorOf(loaded.config, rt);
  monitor?.start();
  let summary: RunSummary;
  try {
    summary = await runJobs(
      target.names,
      { ...rt.ctx, progress: progress.update, ...(env.stop ? { stop: env.stop } : {}) },
      {
        command,
        dryRun: opts.dryRun === true,
        ...(ids ? { ids } : {}),
        ...(target.timeBudgetSeconds !== undefined ? { timeBudgetSeconds: target.timeBudgetSeconds } : {}),
      },
    );
  } catch (err) {
    const details = err instanceof Error ? err.message : String(err);
    await monitor?.finish({ exitCode: exitCodeForError(err), details, summary: null });
    throw err;
  } finally {
    progress.stop();
  }
  const result = summarise(summary, { tty: env.out.isTTY, verbose: env.flags.verbose });
  const details = [...result.problems, ...jobLines(summary)].join('\n');
  // A run a signal stopped is not a success, whatever its jobs did: the dead-man's switch hears
  // the exit code the process ends with (143 for SIGTERM), not the jobs' own.
  const exitCode = env.stop?.aborted ? exitCodeForSignal(String(env.stop.reason)) : result.exitCode;
  await monitor?.finish({ exitCode, details, summary });
  lastLine(rt.logger, summary, exitCode);
  // One format per stream: with JSON lines on stderr the log already has each failed job and
  // record as a line of its own; the plain problem lines would say it twice.
  return rt.logger.consoleJson ? { ...result, problems: [] } : result;
});

/**
 * The jobs a command runs: `run-all` every job of the catalog in its order, within
 * `runAll.maxDurationSeconds`; `run-stream <name>` one custom stream; a job's command that job.
 */
async function targetOf(
  command: string,
  opts: Record<string, unknown>,
  config: Config,
): Promise<{ names: JobName[]; timeBudgetSeconds?: number }> {
  if (command === 'run-all') {
    const { runAllJobNames } = await import('../../jobs/catalog.js');
    return { names: runAllJobNames(config), timeBudgetSeconds: config.runAll.maxDurationSeconds };
  }
  if (command === 'run-stream') return { names: [await streamJob(config, opts.stream)] };
  return { names: [command as JobName] };
}

async function monitorOf(config: Config, rt: Runtime): Promise<RunMonitor | undefined> {
  if (!config.monitoring.heartbeat && !rt.metrics) return undefined;
  const { createRunMonitor } = await import('../../monitoring/monitor.js');
  return createRunMonitor(config, {
    logger: rt.logger,
    ctx: rt.ctx,
    redactor: rt.redactor,
    ...(rt.metrics ? { metrics: rt.metrics } : {}),
  });
}

function jobLines(summary: RunSummary): string[] {
  return summary.jobs.map((r) => `${r.job}: ${r.outcome} (${countsText(r)}, ${seconds(r.durationMs)})`);
}

/** `run-stream <name>`: the job of a configured stream (issue 8); an unknown name is a usage error. */
async function streamJob(config: Config, name: unknown): Promise<JobName> {
  const { findStream, streamJobName } = await import('../../streams/types.js');
  const def = typeof name === 'string' ? findStream(config, name) : undefined;
  if (def) return streamJobName(def);
  const known = config.streams.map((s) => s.name);
  throw new UsageError(`No stream named "${String(name)}" in the configuration.`, {
    hint:
      known.length > 0
        ? `Configured streams: ${known.join(', ')}.`
        : 'No streams are configured (key "streams").',
  });
}

/**
 * The run's last log line, with its exit code and duration, so that a collector can filter runs
 * (issue 20): error for 64-78, warn for failed records or a signal, info when something was
 * written, else debug (an idle minute under cron prints nothing).
 */
function lastLine(logger: Logger, summary: RunSummary, exitCode: number): void {
  const written = summary.jobs.reduce((n, j) => n + j.counts.written, 0);
  const message = `sagesync ${summary.command} finished: exit ${exitCode}`;
  const meta = { exitCode, durationMs: summary.durationMs, written };
  if (exitCode >= 64 && exitCode < 128) logger.error(message, meta);
  else if (exitCode !== 0) logger.warn(message, meta);
  else if (written > 0) logger.info(message, meta);
  else logger.debug(message, meta);
}

const MAX_FAILURES_SHOWN = 20;

function countsText(r: JobReport): string {
  const c = r.counts;
  return `read ${c.read}, written ${c.written}, skipped ${c.skipped}, failed ${c.failed}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Human lines: on a terminal (or with --verbose) one line per job; under cron only jobs that did
 * something or had a problem, so an idle minute prints nothing (contract "Under cron").
 */
export function summarise(summary: RunSummary, o: { tty: boolean; verbose: boolean }): CommandResult {
  const lines: string[] = [];
  const problems: string[] = [];
  for (const r of summary.jobs) {
    const did = r.counts.written > 0 || r.counts.failed > 0 || (r.plan?.length ?? 0) > 0;
    const line = `${r.job}: ${r.outcome} — ${countsText(r)} (${seconds(r.durationMs)})${r.message ? `. ${r.message}` : ''}`;
    if (r.outcome === 'failed') {
      problems.push(`${r.job}: failed: ${r.error?.message ?? r.message ?? 'unknown error'}`);
      continue;
    }
    if (o.tty || o.verbose || did) lines.push(line);
    if (r.plan && r.plan.length > 0)
      lines.push(`  dry run: would write ${r.plan.length} item(s); nothing was written`);
    if (r.failures.length > 0) {
      problems.push(`${r.job}: ${r.failures.length} record(s) failed:`);
      for (const f of r.failures.slice(0, MAX_FAILURES_SHOWN))
        problems.push(`  ${f.entity} ${f.id}: ${f.reason}`);
      if (r.failures.length > MAX_FAILURES_SHOWN) {
        problems.push(
          `  … and ${r.failures.length - MAX_FAILURES_SHOWN} more (see --json or sagesync status)`,
        );
      }
    }
  }
  return { exitCode: exitCodeForSummary(summary), report: summary, lines, problems };
}
