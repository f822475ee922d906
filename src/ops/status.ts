/**
 * `sagesync status` (issue 6): backlog per staging table and status, the last run of each job,
 * the oldest NEW row's age, quarantined records, rows X3 rejected, cursor lag, open alerts, and
 * each job's last success (issue 19: the metrics of src/monitoring/metrics.ts are made from this
 * report, so `status --json` carries the same figures).
 * Read-only. The CLI prints `formatStatus(report)` on a terminal and the report itself with --json.
 */
import type { RunContext } from '../jobs/context.js';
import { stoppedEarly } from '../jobs/stop.js';
import type { BacklogEntry, RunRecord } from '../staging/store.js';

const LISTED = 20;

export interface StatusReport {
  generatedAt: string;
  dialect: string;
  backlog: (Omit<BacklogEntry, 'oldest'> & { oldest: string | null })[];
  oldestNew: { table: string; since: string; ageSeconds: number } | null;
  lastRuns: {
    job: string;
    outcome: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    host: string;
    message: string | null;
    /** read, written, skipped, failed (and durationMs) as the run recorded them. */
    counts: Record<string, number> | null;
  }[];
  /** When each job last finished a run that was not a failure; null when it never did. */
  lastSuccess: { job: string; at: string | null; ageSeconds: number | null }[];
  quarantine: {
    open: number;
    /** Open records per job (all of them; `records` lists the first few). */
    byJob: { job: string; open: number }[];
    records: {
      job: string;
      entity: string;
      entityId: string;
      attempts: number;
      since: string;
      error: string;
    }[];
  };
  rejectedByX3: {
    count: number;
    byTable: { table: string; count: number }[];
    rows: { table: string; stagingId: string; key: string; message: string | null }[];
  };
  /**
   * Per incremental job: its cursor and how far behind its reads are (`lagSeconds`, issue 20).
   * Not the age of the last change read: a store without new orders is not behind.
   */
  cursors: {
    job: string;
    cursor: string | null;
    updatedAt: string;
    lagSeconds: number | null;
    /**
     * What the lag is measured from: `complete-run` (the start of the last run, which read to the
     * end), `cursor` (the last run stopped early, at its time budget or on a signal: reads are at the cursor), `last-run`
     * (the last run failed or was skipped: at least this far behind), `none` (never ran).
     */
    lagFrom: 'complete-run' | 'cursor' | 'last-run' | 'none';
  }[];
  openAlerts: {
    fingerprint: string;
    summary: string;
    since: string;
    occurrences: number;
    lastSentAt: string | null;
  }[];
}

export async function status(ctx: RunContext): Promise<StatusReport> {
  const now = ctx.clock();
  const store = await ctx.openStore();
  await store.assertSchemaCurrent();
  const { streamTables } = await import('../streams/tables.js');
  const { runAllJobNames } = await import('../jobs/catalog.js');
  const [backlog, runs, quarantine, rejected, cursors, alerts] = await Promise.all([
    store.backlog(streamTables(ctx.config)),
    store.lastRuns(),
    store.openQuarantine(),
    store.rejectedRows(1000),
    store.cursors(),
    store.openAlerts(),
  ]);
  const age = (d: Date): number => Math.max(0, Math.round((now.getTime() - d.getTime()) / 1000));
  const jobs = [...new Set([...runAllJobNames(ctx.config), ...runs.map((r) => r.job)])];
  const successes = await store.lastSuccesses(jobs);
  let oldestNew: StatusReport['oldestNew'] = null;
  for (const b of backlog) {
    if (b.status !== 'NEW' || !b.oldest) continue;
    if (!oldestNew || b.oldest.getTime() < Date.parse(oldestNew.since)) {
      oldestNew = { table: b.table, since: b.oldest.toISOString(), ageSeconds: age(b.oldest) };
    }
  }
  return {
    generatedAt: now.toISOString(),
    dialect: store.dialect,
    backlog: backlog.map((b) => ({ ...b, oldest: b.oldest ? b.oldest.toISOString() : null })),
    oldestNew,
    lastRuns: runs.map((r) => ({
      job: r.job,
      outcome: r.outcome ?? (r.finishedAt ? null : 'running'),
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
      durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
      host: r.host,
      message: r.message,
      counts: r.counts,
    })),
    lastSuccess: jobs.map((job) => {
      const at = successes.get(job);
      return { job, at: at ? at.toISOString() : null, ageSeconds: at ? age(at) : null };
    }),
    quarantine: {
      open: quarantine.length,
      byJob: countBy(quarantine.map((q) => q.job)).map(([job, open]) => ({ job, open })),
      records: quarantine.slice(0, LISTED).map((q) => ({
        job: q.job,
        entity: q.entity,
        entityId: q.entityId,
        attempts: q.attempts,
        since: q.firstFailedAt.toISOString(),
        error: q.error,
      })),
    },
    rejectedByX3: {
      count: rejected.length,
      byTable: countBy(rejected.map((r) => r.table)).map(([table, count]) => ({ table, count })),
      rows: rejected.slice(0, LISTED),
    },
    cursors: cursors.map((c) => ({
      job: c.job,
      cursor: c.cursor,
      updatedAt: c.updatedAt.toISOString(),
      ...readLag(
        c.cursor,
        runs.find((r) => r.job === c.job),
        age,
      ),
    })),
    openAlerts: alerts.map((a) => ({
      fingerprint: a.fingerprint,
      summary: a.summary,
      since: a.firstSeenAt.toISOString(),
      occurrences: a.occurrences,
      lastSentAt: a.lastSentAt ? a.lastSentAt.toISOString() : null,
    })),
  };
}

function countBy(keys: readonly string[]): [string, number][] {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return [...out];
}

/**
 * How far behind a job's reads are. A run that read to the end saw every change made before it
 * started; one stopped at its time budget got as far as its cursor; a failed or skipped last run
 * leaves the reads at least as far behind as that run's start.
 */
function readLag(
  cursor: string | null,
  last: RunRecord | undefined,
  age: (d: Date) => number,
): Pick<StatusReport['cursors'][number], 'lagSeconds' | 'lagFrom'> {
  if (!last) return { lagSeconds: null, lagFrom: 'none' };
  const finished = last.outcome === 'ok' || last.outcome === 'records-failed';
  if (finished && !stoppedEarly(last.message)) {
    return { lagSeconds: age(last.startedAt), lagFrom: 'complete-run' };
  }
  const at = cursor ? Date.parse(cursor) : NaN;
  if (finished && !Number.isNaN(at)) return { lagSeconds: age(new Date(at)), lagFrom: 'cursor' };
  return { lagSeconds: age(last.startedAt), lagFrom: 'last-run' };
}

/** The human form of the report. */
export function formatStatus(r: StatusReport): string {
  const out: string[] = [`Staging status (${r.dialect}) at ${r.generatedAt}`, '', 'Backlog:'];
  if (r.backlog.length === 0) out.push('  (no rows)');
  for (const b of r.backlog) {
    out.push(
      `  ${b.table.padEnd(28)} ${b.status.padEnd(10)} ${String(b.count).padStart(8)}${b.oldest ? `  oldest ${b.oldest}` : ''}`,
    );
  }
  out.push(
    r.oldestNew
      ? `Oldest NEW row: ${r.oldestNew.table}, ${duration(r.oldestNew.ageSeconds)} old (since ${r.oldestNew.since})`
      : 'Oldest NEW row: none waiting',
    '',
    'Last runs:',
  );
  if (r.lastRuns.length === 0) out.push('  (no run recorded yet)');
  for (const run of r.lastRuns) {
    const took = run.durationMs === null ? 'still running' : `${(run.durationMs / 1000).toFixed(1)} s`;
    out.push(
      `  ${run.job.padEnd(16)} ${String(run.outcome ?? '?').padEnd(15)} ${run.startedAt}  ${took}  on ${run.host}${run.message ? `  ${run.message}` : ''}`,
    );
  }
  const succeeded = r.lastSuccess.filter((s) => s.at !== null);
  if (succeeded.length > 0) out.push('', 'Last success:');
  for (const s of succeeded)
    out.push(`  ${s.job.padEnd(16)} ${s.at ?? ''}  (${duration(s.ageSeconds ?? 0)} ago)`);
  out.push('', `Quarantined records: ${r.quarantine.open}`);
  for (const q of r.quarantine.records) {
    out.push(
      `  ${q.job} ${q.entity} ${q.entityId}: ${q.attempts} attempt(s) since ${q.since}: ${q.error.split('\n')[0]}`,
    );
  }
  out.push(`Rows X3 rejected: ${r.rejectedByX3.count}`);
  for (const x of r.rejectedByX3.rows)
    out.push(`  ${x.table} staging_id ${x.stagingId} (${x.key}): ${x.message ?? '(no erp_message)'}`);
  out.push('', 'Cursors:');
  if (r.cursors.length === 0) out.push('  (none yet)');
  for (const c of r.cursors) {
    out.push(
      `  ${c.job.padEnd(16)} ${c.cursor ?? '(start)'}${c.lagSeconds === null ? '' : `  ${LAG_WORDS[c.lagFrom]} ${duration(c.lagSeconds)}`}`,
    );
  }
  if (r.openAlerts.length > 0) {
    out.push('', `Open alerts: ${r.openAlerts.length}`);
    for (const a of r.openAlerts) out.push(`  ${a.summary} (since ${a.since}, ${a.occurrences}×)`);
  }
  return out.join('\n');
}

const LAG_WORDS: Record<StatusReport['cursors'][number]['lagFrom'], string> = {
  'complete-run': 'reads behind by',
  cursor: 'catching up, reads behind by',
  'last-run': 'last run did not finish, reads behind by at least',
  none: '',
};

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}
