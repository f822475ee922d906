/**
 * What a job run shows a person while it runs: an ora spinner with live counts on a terminal
 * (the summary at the end is ./commands/jobs.ts `summarise`). Under cron (no TTY) nothing
 * animates. With --json this module stays silent. The spinner writes to stderr so that stdout
 * carries only the JSON object or the summary.
 *
 * ora (and its two dozen modules) is imported only when a spinner may animate: a cron run or a
 * --json run never loads it, which keeps the start-up of an idle minute short.
 */
import type { Ora } from 'ora';
import { JOBS, type JobEntry } from '../jobs/catalog.js';
import type { JobCounts, JobName } from '../jobs/types.js';

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

/** The counts as a spinner shows them, in the words of the job's catalog entry. */
function countsText(job: JobName, c: JobCounts): string {
  const words = (JOBS as readonly JobEntry<string>[]).find((j) => j.name === job)?.countWords;
  return [
    `read ${c.read}`,
    `${words?.written ?? 'staged'} ${c.written}`,
    `skipped ${c.skipped}`,
    `${words?.failed ?? 'quarantined'} ${c.failed}`,
  ].join(', ');
}
