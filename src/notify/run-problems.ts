/**
 * Turns the end of a run into problems worth an e-mail (issue 6, issue 19): a job that could not
 * run, records sagesync quarantined, rows a pull job or pull stream set to ERROR, and rows X3
 * rejected (direction-1 rows with status ERROR and erp_message). The runner calls `notifyRun` once
 * at the end of every run.
 *
 * Fingerprints (what "the same problem" means for the throttle and the digest):
 *   job:<job>:<error kind>        the job failed as a whole; clears when it next runs without failing
 *   quarantine:<job>              the job has open quarantine records; clears when they are resolved
 *   pull-errors:<job>:<table>     rows of the table in ERROR; clears when none is left in ERROR
 *   x3-rejected:<table>           X3 rejected rows of the table; clears when none is left in ERROR
 * The last three list their records; a record that joins an open problem goes into the next digest.
 */
import type { Config } from '../config/schema.js';
import { catalog } from '../jobs/catalog.js';
import { stoppedBySignal } from '../jobs/stop.js';
import type { Notifier } from '../jobs/context.js';
import type { RunSummary } from '../jobs/runner.js';
import type { JobReport } from '../jobs/types.js';
import type { AlertItem, QuarantineRecord, StagingStore } from '../staging/store.js';
import type { TableDef } from '../staging/tables.js';
import { EVENT_PREFIX } from './notifier.js';
import { firstLine, pullErrors, quarantined, x3Rejected, type Problem } from './problems.js';

const REJECTED_LIMIT = 500;
const PULL_ERRORS_LIMIT = 1000;

const WHAT_TO_DO: Record<string, string> = {
  config: 'Fix the configuration key named above, then run "sagesync test-connection".',
  unavailable:
    'Check that the service named above is reachable from this host and accepts the credentials ("sagesync test-connection" shows which check fails). Nothing was half-written; the next run retries.',
  records: 'See the records named above.',
  internal: 'This is a bug in sagesync: keep this e-mail and the log file and report it.',
  usage: 'Fix the command line that cron or the scheduler runs.',
};

/** The tables sagesync sets rows of to ERROR, with the job that does it (the catalog's). */
export function pullSources(config: Pick<Config, 'streams'>): { job: string; table: TableDef }[] {
  return catalog(config).flatMap((e) => (e.errorTable ? [{ job: e.name, table: e.errorTable }] : []));
}

export interface RunProblems {
  problems: Problem[];
  /** Fingerprints whose state could not be read this time: kept open, neither noted nor cleared. */
  unknown: string[];
}

export async function problemsOfRun(
  summary: RunSummary,
  store: StagingStore,
  sources: readonly { job: string; table: TableDef }[] = pullSources({ streams: [] }),
): Promise<RunProblems> {
  const problems: Problem[] = [];
  const unknown: string[] = [];
  for (const job of summary.jobs) {
    if (job.outcome === 'failed' && job.error) problems.push(jobFailed(summary, job));
  }
  for (const { job, table } of sources) {
    const name = store.tableName(table).split('.').pop() ?? table.name;
    const probe = pullErrors(job, name, [], false);
    let rows: { stagingId: string; message: string | null }[];
    try {
      rows = await store.inboundErrors(table, PULL_ERRORS_LIMIT);
    } catch {
      unknown.push(probe.fingerprint); // e.g. a stream's table not migrated yet
      continue;
    }
    const items = new Map<string, AlertItem>();
    for (const f of summary.jobs.find((j) => j.job === job)?.failures ?? [])
      items.set(f.id, { key: f.id, text: `staging_id ${f.id}: ${firstLine(f.reason)}` });
    for (const r of rows)
      items.set(r.stagingId, {
        key: r.stagingId,
        text: `staging_id ${r.stagingId}: ${firstLine(r.message ?? 'ERROR')}`,
      });
    if (items.size > 0)
      problems.push(pullErrors(job, name, [...items.values()], rows.length >= PULL_ERRORS_LIMIT));
  }
  const byJob = new Map<string, QuarantineRecord[]>();
  for (const q of await store.openQuarantine()) byJob.set(q.job, [...(byJob.get(q.job) ?? []), q]);
  for (const [job, records] of byJob) problems.push(quarantined(store.tableName('quarantine'), job, records));
  const rejected = await store.rejectedRows(REJECTED_LIMIT);
  const byTable = new Map<string, typeof rejected>();
  for (const r of rejected) byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
  const full = rejected.length >= REJECTED_LIMIT;
  for (const [table, rows] of byTable) problems.push(x3Rejected(table, rows, full));
  return { problems, unknown };
}

/**
 * Sends the run's problems and settles the rest. A job that did not run in this summary (or was
 * skipped because another host held its lock) keeps its `job:` alerts open: only a run of that
 * job may clear them. Never throws.
 */
export async function notifyRun(
  summary: RunSummary,
  store: StagingStore,
  notifier: Notifier,
  logger?: { error(m: string): void },
  sources?: readonly { job: string; table: TableDef }[],
): Promise<void> {
  try {
    const { problems, unknown } = await problemsOfRun(summary, store, sources);
    for (const p of problems) await notifier.problem(p);
    // A job a signal stopped (before it started, or in a wait before a retry) did not get to
    // its end: whether its problem is gone is not known, so its alerts stay open, not "Resolved".
    const ran = new Set(
      summary.jobs
        .filter((j) => j.outcome !== 'skipped-locked' && !stoppedBySignal(j.message))
        .map((j) => j.job as string),
    );
    const untouched = (await store.openAlerts())
      .map((a) => a.fingerprint)
      .filter((fp) => {
        const job = jobOfFingerprint(fp);
        return job !== null && !ran.has(job);
      });
    await notifier.settle([...problems.map((p) => p.fingerprint), ...unknown, ...untouched]);
  } catch (err) {
    logger?.error(`Could not work out the problems of this run for e-mail: ${(err as Error).message}`);
  }
}

function jobFailed(summary: RunSummary, job: JobReport): Problem {
  const kind = job.error?.kind ?? 'internal';
  return {
    fingerprint: `job:${job.job}:${kind}`,
    subject: `${job.job} could not run: ${firstLine(job.error?.message ?? 'unknown error')}`,
    body: [
      `The job ${job.job} (command "sagesync ${summary.command}", started ${summary.startedAt}) failed as a whole.`,
      '',
      'Error:',
      indent(job.error?.message ?? 'unknown error'),
      '',
      `What to do: ${WHAT_TO_DO[kind] ?? WHAT_TO_DO.internal}`,
    ].join('\n'),
  };
}

/**
 * The job of a run-derived fingerprint (`job:<job>:<kind>`; `event:<job>:records:<hash>` as
 * sagesync before issue 19 wrote them, so such rows still clear quietly).
 */
function jobOfFingerprint(fp: string): string | null {
  if (fp.startsWith('job:')) return fp.slice(4, fp.lastIndexOf(':'));
  if (fp.startsWith(EVENT_PREFIX)) {
    const end = fp.indexOf(':records:');
    return end > 0 ? fp.slice(EVENT_PREFIX.length, end) : null;
  }
  return null;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
