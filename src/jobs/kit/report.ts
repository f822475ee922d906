/**
 * The one way a job's report is built, and the one way an error becomes a report: push jobs,
 * pull jobs and the runner (a job that threw) all turn an error into `{ kind, message }` with
 * errorOf(), so the CLI's exit code (src/cli/exit.ts) and the message a user reads do not depend
 * on which of them caught it.
 */
import { SagesyncError, StoppedEarlyError, TimeBudgetSpentError, type ErrorKind } from '../../errors.js';
import { jobStopCause } from '../stop.js';
import type { JobCounts, JobDeps, JobName, JobReport, RecordFailure } from '../types.js';

/** The kind that picks the exit code and the message a user reads, with the error's hint. */
export function errorOf(e: unknown): { kind: ErrorKind; message: string } {
  const err = e instanceof SagesyncError ? e : null;
  const base = e instanceof Error ? e.message : String(e);
  if (!err) return { kind: 'internal', message: `Internal error: ${base}` };
  return { kind: err.kind, message: err.hint ? `${base} ${err.hint}` : base };
}

/** The note of a push job stopped by the time budget (`sagesync status` looks for "time budget"). */
const BUDGET_NOTE = 'stopped early: the time budget of this run is spent; the next run continues';

const zero = (): JobCounts => ({ read: 0, written: 0, skipped: 0, failed: 0 });

/**
 * The note of a job a stop ended at a safe point (the time budget, or a signal during a wait):
 * not a failure, so no `error`, no alert and no exit code of its own.
 */
function stopNote(err: StoppedEarlyError): string {
  return err instanceof TimeBudgetSpentError ? BUDGET_NOTE : err.message;
}

/**
 * The report of a job that threw before it could say anything else (the runner's catch); a stop
 * (StoppedEarlyError) is reported as one, not as a failure.
 */
export function failedReport(job: JobName, e: unknown, durationMs: number): JobReport {
  if (e instanceof StoppedEarlyError) {
    return { job, outcome: 'ok', counts: zero(), durationMs, failures: [], message: stopNote(e) };
  }
  return { job, outcome: 'failed', counts: zero(), durationMs, failures: [], error: errorOf(e) };
}

/**
 * The report of a job that did not run: `skipped-locked` when another run holds its lock, `ok`
 * when the time budget or a signal kept it from starting; `message` says which.
 */
export function notRunReport(job: JobName, outcome: 'skipped-locked' | 'ok', message: string): JobReport {
  return { job, outcome, counts: zero(), durationMs: 0, failures: [], message };
}

/** Counts, failed records, the --dry-run plan and notes of one job run, as they accrue. */
export class ReportBuilder {
  readonly counts: JobCounts = zero();
  readonly failures: RecordFailure[] = [];
  readonly plan: unknown[] = [];
  message: string | undefined;
  /** Set when the job ends `failed`: its kind decides the exit code. */
  error: { kind: ErrorKind; message: string } | undefined;
  private readonly started: number;

  constructor(
    readonly job: JobName,
    private readonly deps: Pick<JobDeps, 'clock' | 'progress' | 'stop' | 'deadline'>,
  ) {
    this.started = deps.clock().getTime();
  }

  /** A record that failed (quarantined by a push job, set to ERROR by a pull job). */
  fail(entity: string, id: string, reason: string): void {
    this.failures.push({ entity, id, reason });
    this.counts.failed++;
  }

  /** Something the report says besides the counts (shown with the job's line). */
  note(text: string): void {
    if (this.message?.includes(text)) return;
    this.message = this.message ? `${this.message} ${text}` : text;
  }

  /** Live counts for a TTY spinner. */
  progress(): void {
    this.deps.progress?.({ ...this.counts });
  }

  /**
   * True when the run's time budget is spent or a signal asked to stop (on the injected clock):
   * start no new batch. Notes why.
   */
  outOfTime(): boolean {
    const cause = jobStopCause(this.deps);
    if (!cause) return false;
    this.note(
      cause.kind === 'signal'
        ? `stopped early: sagesync received ${cause.signal}; the next run continues`
        : BUDGET_NOTE,
    );
    return true;
  }

  finish(dryRun: boolean): JobReport {
    const report: JobReport = {
      job: this.job,
      outcome: this.error ? 'failed' : this.failures.length > 0 ? 'records-failed' : 'ok',
      counts: { ...this.counts },
      durationMs: this.deps.clock().getTime() - this.started,
      failures: this.failures,
    };
    if (dryRun) report.plan = this.plan;
    if (this.message) report.message = this.message;
    if (this.error) report.error = this.error;
    return report;
  }

  /** The report of a job ended by an error it did not handle: what it did so far, and why it stopped. */
  failed(err: unknown, dryRun: boolean): JobReport {
    if (err instanceof StoppedEarlyError) {
      // Stopped between two requests or in a wait: what was staged is committed with its cursor.
      this.note(stopNote(err));
      return this.finish(dryRun);
    }
    this.error = errorOf(err);
    this.message = this.error.message;
    return this.finish(dryRun);
  }
}
