/**
 * Turns the end of a run into problems worth an e-mail (issue 6): a job that could not run,
 * records sagesync quarantined or set to ERROR, and rows X3 rejected (direction-1 rows with status
 * ERROR and erp_message: the ERP side's failures must not stay invisible). The runner calls
 * `notifyRun` once at the end of every run.
 *
 * Fingerprints (what "the same problem" means for the throttle):
 *   job:<job>:<error kind>      the job failed as a whole; clears when it next runs without failing
 *   quarantine:<job>            the job has open quarantine records; clears when they are resolved
 *   x3-rejected:<table>         X3 rejected rows of the table; clears when none is left in ERROR
 *   event:<job>:records:<hash>  rows a pull job set to ERROR in this run (final, no recovery mail)
 */
import { createHash } from 'node:crypto';
import type { Notifier } from '../jobs/context.js';
import type { RunSummary } from '../jobs/runner.js';
import type { JobReport } from '../jobs/types.js';
import type { QuarantineRecord, StagingStore } from '../staging/store.js';
import { EVENT_PREFIX } from './notifier.js';

export interface Problem {
  fingerprint: string;
  subject: string;
  body: string;
}

const MAX_LISTED = 50;
const REJECTED_LIMIT = 500;

const WHAT_TO_DO: Record<string, string> = {
  config: 'Fix the configuration key named above, then run "sagesync test-connection".',
  unavailable:
    'Check that the service named above is reachable from this host and accepts the credentials ("sagesync test-connection" shows which check fails). Nothing was half-written; the next run retries.',
  records: 'See the records named above.',
  internal: 'This is a bug in sagesync: keep this e-mail and the log file and report it.',
  usage: 'Fix the command line that cron or the scheduler runs.',
};

export async function problemsOfRun(summary: RunSummary, store: StagingStore): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const job of summary.jobs) {
    if (job.outcome === 'failed' && job.error) problems.push(jobFailed(summary, job));
    if (job.job.startsWith('pull-') && job.failures.length > 0) problems.push(pullFailures(job));
  }
  const byJob = new Map<string, QuarantineRecord[]>();
  for (const q of await store.openQuarantine()) byJob.set(q.job, [...(byJob.get(q.job) ?? []), q]);
  for (const [job, records] of byJob) problems.push(quarantined(store, job, records));
  const rejected = await store.rejectedRows(REJECTED_LIMIT);
  const byTable = new Map<string, typeof rejected>();
  for (const r of rejected) byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
  for (const [table, rows] of byTable) problems.push(x3Rejected(table, rows));
  return problems;
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
): Promise<void> {
  try {
    const problems = await problemsOfRun(summary, store);
    for (const p of problems) await notifier.problem(p);
    const ran = new Set(
      summary.jobs.filter((j) => j.outcome !== 'skipped-locked').map((j) => j.job as string),
    );
    const untouched = (await store.openAlerts())
      .map((a) => a.fingerprint)
      .filter((fp) => {
        const job = jobOfFingerprint(fp);
        return job !== null && !ran.has(job);
      });
    await notifier.settle([...problems.map((p) => p.fingerprint), ...untouched]);
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

function pullFailures(job: JobReport): Problem {
  const ids = job.failures.map((f) => f.id).sort();
  const hash = createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 12);
  const table =
    job.job === 'pull-credit'
      ? 'sagesync_credit_limit'
      : job.job === 'pull-tracking'
        ? 'sagesync_shipment'
        : 'the inbound table';
  return {
    fingerprint: `${EVENT_PREFIX}${job.job}:records:${hash}`,
    subject: `${job.job} set ${ids.length} row${ids.length === 1 ? '' : 's'} of ${table} to ERROR`,
    body: [
      `${job.job} could not apply these rows to Oro and set them to status ERROR with the reason in sync_message:`,
      '',
      ...job.failures.slice(0, MAX_LISTED).map((f) => `  - ${f.entity} staging_id ${f.id}: ${f.reason}`),
      ...(job.failures.length > MAX_LISTED ? [`  … and ${job.failures.length - MAX_LISTED} more`] : []),
      '',
      `What to do: correct the data in X3 (or in Oro), then set the row's status back to NEW in ${table}; the next run applies it.`,
    ].join('\n'),
  };
}

function quarantined(store: StagingStore, job: string, records: QuarantineRecord[]): Problem {
  const since = records.reduce(
    (min, r) => (r.firstFailedAt < min ? r.firstFailedAt : min),
    records[0]?.firstFailedAt ?? new Date(),
  );
  return {
    fingerprint: `quarantine:${job}`,
    subject: `${job}: ${records.length} record${records.length === 1 ? '' : 's'} quarantined`,
    body: [
      `${job} could not stage these Oro records; they are retried with a growing delay (table ${store.tableName('quarantine')}):`,
      '',
      ...records
        .slice(0, MAX_LISTED)
        .map(
          (r) =>
            `  - ${r.entity} ${r.entityId}: ${firstLine(r.error)}\n    failing since ${r.firstFailedAt.toISOString()}, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}, next ${r.nextAttemptAt.toISOString()}`,
        ),
      ...(records.length > MAX_LISTED ? [`  … and ${records.length - MAX_LISTED} more`] : []),
      '',
      `Oldest failure: ${since.toISOString()}.`,
      `What to do: fix the cause named for each record (usually the record in Oro, or a value too long for its staging column), then run "sagesync ${job} --id <id>" to retry one at once.`,
    ].join('\n'),
  };
}

function x3Rejected(
  table: string,
  rows: { stagingId: string; key: string; message: string | null }[],
): Problem {
  return {
    fingerprint: `x3-rejected:${table}`,
    subject: `X3 rejected ${rows.length}${rows.length >= REJECTED_LIMIT ? '+' : ''} row${rows.length === 1 ? '' : 's'} of ${table}`,
    body: [
      `Sage X3 set these rows of ${table} to status ERROR (erp_message says why):`,
      '',
      ...rows
        .slice(0, MAX_LISTED)
        .map((r) => `  - staging_id ${r.stagingId} (${r.key}): ${r.message ?? '(no erp_message)'}`),
      ...(rows.length > MAX_LISTED ? [`  … and ${rows.length - MAX_LISTED} more`] : []),
      '',
      'What to do: these are failures on the ERP side. Check the X3 import log for the rows above, fix the data or the X3 setup, and have X3 process them again (X3 owns status and erp_message in this table).',
    ].join('\n'),
  };
}

/** The job of a run-derived fingerprint (`job:<job>:<kind>`, `event:<job>:records:<hash>`). */
export function jobOfFingerprint(fp: string): string | null {
  if (fp.startsWith('job:')) return fp.slice(4, fp.lastIndexOf(':'));
  if (fp.startsWith(EVENT_PREFIX)) {
    const end = fp.indexOf(':records:');
    return end > 0 ? fp.slice(EVENT_PREFIX.length, end) : null;
  }
  return null;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
