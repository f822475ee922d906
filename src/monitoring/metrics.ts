/**
 * Metrics in the Prometheus exposition format through prom-client (issue 19). A cron job cannot be
 * scraped, so each run writes what it saw: to a file for node_exporter's textfile collector
 * (`monitoring.textfile`) and/or to a Pushgateway (`monitoring.pushgateway`), see export.ts.
 *
 * What a run measures itself (rows, durations, Oro and database requests) is this run's; what the
 * staging database says (backlog, quarantine, lag, last success) comes from the same report as
 * `sagesync status --json` (src/ops/status.ts), so both always agree. The metric list with what
 * each one means is in docs/operations.md "Metrics".
 */
import { Gauge, Histogram, Registry } from 'prom-client';
import type { RunSummary } from '../jobs/runner.js';
import type { RequestCounts } from '../jobs/types.js';
import type { CommunicationEvent } from '../log/types.js';
import type { StatusReport } from '../ops/status.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface RunMetrics {
  readonly registry: Registry;
  /** The communication observer: counts and times every Oro request and SQL statement. */
  observe(event: CommunicationEvent): void;
  /** Requests and statements so far in this process (the runner attributes them to jobs). */
  totals(): RequestCounts;
  /** Sets every gauge from the finished run and the store's report (null: database unreachable). */
  record(input: {
    summary: RunSummary | null;
    exitCode: number;
    status: StatusReport | null;
    finishedAt: Date;
  }): void;
}

export function createRunMetrics(): RunMetrics {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const oro = new Histogram({
    name: 'sagesync_oro_request_duration_seconds',
    help: 'Oro Admin API requests of this run by method and status class, with their duration.',
    labelNames: ['method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const db = new Histogram({
    name: 'sagesync_db_query_duration_seconds',
    help: 'Staging database statements of this run by outcome, with their duration.',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const g = {
    runEnd: gauge('sagesync_last_run_timestamp_seconds', 'When this run of sagesync ended (Unix time).'),
    runDuration: gauge('sagesync_run_duration_seconds', 'How long this run took.'),
    exitCode: gauge('sagesync_run_exit_code', 'Exit code of this run (0 ok, 1 records failed, 69, 70, 78).'),
    rows: gauge(
      'sagesync_job_rows',
      'Rows of the job in this run: read, written (staged or applied), skipped, failed.',
      ['job', 'result'],
    ),
    jobDuration: gauge('sagesync_job_duration_seconds', 'How long the job took in this run.', ['job']),
    outcome: gauge('sagesync_job_outcome', '1 for the outcome of the job in this run.', ['job', 'outcome']),
    lastSuccess: gauge(
      'sagesync_job_last_success_timestamp_seconds',
      'When the job last finished a run that was not a failure (Unix time).',
      ['job'],
    ),
    backlog: gauge('sagesync_backlog_rows', 'Rows of a staging table per status.', ['table', 'status']),
    oldestNew: gauge(
      'sagesync_oldest_new_row_age_seconds',
      'Age of the oldest NEW row of a table (0 when none waits).',
      ['table'],
    ),
    quarantine: gauge('sagesync_quarantine_records', 'Records of a job in quarantine.', ['job']),
    rejected: gauge('sagesync_x3_rejected_rows', 'Direction-1 rows X3 set to ERROR, per table.', ['table']),
    lag: gauge('sagesync_read_lag_seconds', "How far an incremental job's reads are behind Oro's changes.", [
      'job',
    ]),
    alerts: gauge('sagesync_open_alerts', 'Problems currently open (e-mailed, not yet cleared).'),
    jobRequests: gauge('sagesync_job_requests', "The job's Oro requests or SQL statements in this run.", [
      'job',
      'target',
    ]),
    jobRequestTime: gauge(
      'sagesync_job_request_seconds',
      'Time the job spent waiting for Oro or the database in this run.',
      ['job', 'target'],
    ),
  };
  const totals: RequestCounts = { oroRequests: 0, oroMs: 0, dbStatements: 0, dbMs: 0 };

  return {
    registry,
    totals: () => ({ ...totals }),
    observe(event) {
      const seconds = event.durationMs / 1000;
      if (event.kind === 'http') {
        totals.oroRequests += 1;
        totals.oroMs += event.durationMs;
        const status = event.status === null ? 'error' : `${Math.floor(event.status / 100)}xx`;
        oro.observe({ method: event.method, status }, seconds);
      } else {
        totals.dbStatements += 1;
        totals.dbMs += event.durationMs;
        db.observe({ outcome: event.error ? 'error' : 'ok' }, seconds);
      }
    },
    record({ summary, exitCode, status, finishedAt }) {
      g.runEnd.set(finishedAt.getTime() / 1000);
      g.exitCode.set(exitCode);
      if (summary) {
        g.runDuration.set(summary.durationMs / 1000);
        for (const j of summary.jobs) {
          for (const [result, n] of Object.entries(j.counts)) g.rows.set({ job: j.job, result }, n);
          g.jobDuration.set({ job: j.job }, j.durationMs / 1000);
          g.outcome.set({ job: j.job, outcome: j.outcome }, 1);
          if (j.requests) {
            g.jobRequests.set({ job: j.job, target: 'oro' }, j.requests.oroRequests);
            g.jobRequests.set({ job: j.job, target: 'db' }, j.requests.dbStatements);
            g.jobRequestTime.set({ job: j.job, target: 'oro' }, j.requests.oroMs / 1000);
            g.jobRequestTime.set({ job: j.job, target: 'db' }, j.requests.dbMs / 1000);
          }
        }
      }
      if (!status) return;
      for (const s of status.lastSuccess)
        if (s.at) g.lastSuccess.set({ job: s.job }, Date.parse(s.at) / 1000);
      const now = Date.parse(status.generatedAt);
      const tables = new Set(status.backlog.map((b) => b.table));
      for (const b of status.backlog) g.backlog.set({ table: b.table, status: b.status }, b.count);
      for (const table of tables) {
        const waiting = status.backlog.find((b) => b.table === table && b.status === 'NEW' && b.oldest);
        g.oldestNew.set(
          { table },
          waiting?.oldest ? Math.max(0, (now - Date.parse(waiting.oldest)) / 1000) : 0,
        );
      }
      for (const q of status.quarantine.byJob) g.quarantine.set({ job: q.job }, q.open);
      for (const job of status.lastSuccess.map((s) => s.job))
        if (!status.quarantine.byJob.some((q) => q.job === job)) g.quarantine.set({ job }, 0);
      for (const r of status.rejectedByX3.byTable) g.rejected.set({ table: r.table }, r.count);
      for (const c of status.cursors) if (c.lagSeconds !== null) g.lag.set({ job: c.job }, c.lagSeconds);
      g.alerts.set(status.openAlerts.length);
    },
  };
}
