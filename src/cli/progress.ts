/**
 * What a job run shows a person: an ora spinner with live counts on a terminal, a summary at the
 * end. Under cron (no TTY) nothing animates and the summary is printed only when something failed
 * (contract "Under cron … nothing is printed unless there is something to say"). With --json the
 * CLI prints the RunSummary object instead and this module stays silent. The spinner writes to
 * stderr so that stdout carries only the JSON object or the summary.
 *
 * ora (and its two dozen modules) is imported only when a spinner may animate: a cron run or a
 * --json run never loads it, which keeps the start-up of an idle minute short.
 */
import type { Ora } from 'ora';
import type { RunSummary } from '../jobs/runner.js';
import type { JobCounts, JobName, JobReport } from '../jobs/types.js';

export interface ProgressOptions {
  json: boolean;
  quiet: boolean;
  /** Colour the spinner (src/cli/colour.ts); default true. */
  colour?: boolean;
  /** Where the spinner draws; default process.stderr. */
  stream?: NodeJS.WriteStream;
}

export interface RunProgress {
  /** Pass as RunContext.progress. */
  update(job: JobName, counts: JobCounts): void;
  /** Clears the spinner (call before printing the summary or an error). */
  stop(): void;
}

/**
 * True when a spinner may animate: a terminal with a real width, not --json, not --quiet, not CI.
 * A pseudo-terminal that reports 0 columns (`script` without a real terminal, `ssh -tt` from a
 * script, some CI runners) is not one: ora 9.4.1 takes `columns ?? 80`, which keeps the 0, counts
 * every frame as infinitely many lines and writes cursor-up sequences without end (issue 20).
 */
export function spinnerEnabled(opts: ProgressOptions): boolean {
  const stream = opts.stream ?? process.stderr;
  const columns = stream.columns;
  const width = typeof columns === 'number' && Number.isFinite(columns) && columns > 0;
  return Boolean(stream.isTTY) && width && !opts.json && !opts.quiet && !process.env['CI'];
}

export async function createProgress(opts: ProgressOptions): Promise<RunProgress> {
  if (!spinnerEnabled(opts)) return { update: () => undefined, stop: () => undefined };
  const { default: ora } = await import('ora');
  const stream = opts.stream ?? process.stderr;
  let spinner: Ora | undefined;
  let current: JobName | undefined;
  return {
    update(job, counts) {
      const text = `${job}: ${countsText(job, counts)}`;
      if (!spinner)
        spinner = ora({
          text,
          stream,
          discardStdin: false,
          ...(opts.colour === false ? { color: false } : {}),
        }).start();
      else if (job !== current && current !== undefined) spinner.succeed(spinner.text).start(text);
      else spinner.text = text;
      current = job;
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}

/** Should the human summary be printed? Always on a TTY (unless --quiet); under cron only on trouble. */
export function shouldPrintSummary(summary: RunSummary, opts: { tty: boolean; quiet: boolean }): boolean {
  const trouble = summary.jobs.some((j) => j.outcome === 'failed' || j.outcome === 'records-failed');
  if (trouble) return true;
  return opts.tty && !opts.quiet;
}

const WRITTEN: Record<string, string> = { 'pull-credit': 'applied', 'pull-tracking': 'created' };
const FAILED: Record<string, string> = { 'pull-credit': 'ERROR', 'pull-tracking': 'ERROR' };

function countsText(job: JobName, c: JobCounts): string {
  return [
    `read ${c.read}`,
    `${WRITTEN[job] ?? 'staged'} ${c.written}`,
    `skipped ${c.skipped}`,
    `${FAILED[job] ?? 'quarantined'} ${c.failed}`,
  ].join(', ');
}

const MAX_FAILURES_SHOWN = 10;

/** The end-of-run summary as plain text lines (counts per job, then what failed and why). */
export function formatSummary(summary: RunSummary): string {
  const lines = [`sagesync ${summary.command}: ${seconds(summary.durationMs)}`];
  const width = Math.max(...summary.jobs.map((j) => j.job.length), 8);
  for (const j of summary.jobs) {
    lines.push(
      `  ${j.job.padEnd(width)}  ${label(j).padEnd(14)}  ${countsText(j.job, j.counts)}  (${seconds(j.durationMs)})`,
    );
    const note = j.error?.message ?? j.message;
    if (note) lines.push(`    ${note}`);
    for (const f of j.failures.slice(0, MAX_FAILURES_SHOWN))
      lines.push(`    - ${f.entity} ${f.id}: ${f.reason}`);
    if (j.failures.length > MAX_FAILURES_SHOWN)
      lines.push(`    … and ${j.failures.length - MAX_FAILURES_SHOWN} more`);
  }
  return lines.join('\n');
}

function label(j: JobReport): string {
  switch (j.outcome) {
    case 'ok':
      return 'ok';
    case 'records-failed':
      return 'records failed';
    case 'skipped-locked':
      return 'skipped';
    case 'failed':
      return `failed (${j.error?.kind ?? 'internal'})`;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
