/**
 * The one pull loop (contract direction 2, guarantee 3), for pull-credit, pull-tracking and every
 * pull stream: it reads the NEW rows of the staging table in staging_id order, a window at a
 * time (after the last id read, so a row marked meanwhile is never read twice), hands each window
 * to the job, and reports. What the loop owns, so that a fix to it is made once:
 *
 * - `--id`: only those staging ids are read; ids not NEW (or not found) are said in the report.
 * - marking: a row is set DONE or ERROR only while it still holds the values it was decided
 *   from (`columns`); a row X3 changed meanwhile stays NEW and the next run decides it again.
 * - per-row failure rules (kit/oro-failure.ts): a record-level Oro answer (400, 403, 404 for this
 *   record) sets the row to ERROR with a reason and the rest go on; a passing one (Oro down)
 *   leaves the rest NEW and ends the job `failed` (exit 69); a listing that fails otherwise (a
 *   403 on a read the whole window needs) fails the job; the job's lock is verified before
 *   every Oro write (PullWindow.write).
 * - the time budget and stop signals, on the injected clock, before every window (and wherever
 *   the job asks PullWindow.stopped() between its own batches).
 *
 * The job keeps only what is its own: how a window is planned and what is written to Oro
 * (PullSpec.applyWindow).
 */
import { StoppedEarlyError, type SagesyncError } from '../../errors.js';
import type { OroClient } from '../../oro/types.js';
import type { InboundRow, InboundUpdate, Row } from '../../staging/store.js';
import type { TableDef } from '../../staging/tables.js';
import { jobStopCause, stopCauseOf, stopMessage } from '../stop.js';
import type { JobDeps, JobName, JobOptions, JobReport } from '../types.js';
import { classifyOroError, type OroFailure } from './oro-failure.js';
import { errorOf, ReportBuilder } from './report.js';

/**
 * What a window's work ends with: `next` reads the next window (if the last one was full),
 * `stop` ends the job with what is done (the job noted why), an error is a passing Oro failure
 * that leaves the remaining rows NEW.
 */
export type WindowEnd = 'next' | 'stop' | SagesyncError;

export interface PullSpec {
  job: JobName;
  /** Its name is the `entity` of the report's failed records, e.g. `credit_limit`. */
  table: TableDef;
  /** Rows read at once. */
  window: number;
  /** What a row is decided from: it is marked only while it still holds these values. */
  columns: readonly string[];
  /** Checked before any row is read (a stream's table shape); an error fails the job. */
  check?: () => Promise<void>;
  applyWindow: (rows: readonly InboundRow[], w: PullWindow) => Promise<WindowEnd>;
}

/** What the loop offers a job while it applies one window. */
export class PullWindow {
  /** The rows of the window being applied, as read: marking compares with them. */
  private readonly asRead = new Map<string, InboundRow>();
  /** Rows X3 changed (or another run took) between reading and marking: left NEW. */
  changedMidRun = 0;

  constructor(
    readonly deps: JobDeps,
    readonly options: JobOptions,
    readonly report: ReportBuilder,
    private readonly spec: PullSpec,
  ) {}

  get dryRun(): boolean {
    return this.options.dryRun;
  }

  /** True when no new batch may start: the time budget is spent or a signal asked to stop. */
  stopped(): boolean {
    return jobStopCause(this.deps) !== undefined;
  }

  /** Notes why the job stopped early (time budget or signal) and what is left. */
  stopNote(left: string): void {
    this.report.note(stopMessage(jobStopCause(this.deps) ?? { kind: 'budget' }, left));
  }

  read(rows: readonly InboundRow[]): void {
    this.report.counts.read += rows.length;
    this.asRead.clear();
    for (const r of rows) this.asRead.set(r.staging_id, r);
    this.report.progress();
  }

  /**
   * Marks rows DONE or ERROR (counted as `kind`, or failed), each only while it still holds the
   * values of `columns` it was decided from. With --dry-run nothing is marked; a row that would
   * end ERROR is listed in the plan.
   */
  async finish(updates: readonly InboundUpdate[], kind: 'written' | 'skipped' = 'written'): Promise<void> {
    if (updates.length === 0) return;
    if (this.dryRun) {
      for (const u of updates) {
        if (u.status === 'ERROR')
          this.report.plan.push({ stagingId: u.stagingId, action: 'error', message: u.message });
      }
    } else {
      const expecting = updates.map((u): InboundUpdate => {
        const row = this.asRead.get(u.stagingId);
        if (!row) return u;
        const expect: Row = {};
        for (const c of this.spec.columns) expect[c] = row[c] ?? null;
        return { ...u, expect };
      });
      const changed = await this.deps.store.finishInbound(this.spec.table, expecting);
      this.changedMidRun += updates.length - changed;
    }
    for (const u of updates) {
      if (u.status === 'ERROR') this.report.fail(this.spec.table.name, u.stagingId, u.message ?? 'ERROR');
      else this.report.counts[kind] += 1;
    }
    this.report.progress();
  }

  /** The shared Oro client, or the passing error that kept it from opening (token endpoint down). */
  async oro(): Promise<OroClient | SagesyncError> {
    return this.oroRead(() => this.deps.oro());
  }

  /**
   * A read the window needs as a whole (a listing): its value, or the passing error that stops
   * the window. Any other failure (a 403 on the listing) fails the job.
   */
  async oroRead<T>(read: () => Promise<T>): Promise<T | SagesyncError> {
    try {
      return await read();
    } catch (e) {
      const f = classifyOroError(e);
      if (f.kind === 'passing') return f.error;
      throw e;
    }
  }

  /**
   * One Oro write for a row. The job's lock is verified first (a lost lock lets another host
   * apply the same row: LockLostError stops the job, exit 69); a failure comes back sorted.
   */
  async write<T>(send: () => Promise<T>): Promise<{ kind: 'ok'; value: T } | OroFailure> {
    await this.deps.assertLock?.();
    try {
      return { kind: 'ok', value: await send() };
    } catch (e) {
      return classifyOroError(e);
    }
  }
}

export async function runPull(deps: JobDeps, options: JobOptions, spec: PullSpec): Promise<JobReport> {
  const report = new ReportBuilder(spec.job, deps);
  if (spec.check) {
    try {
      await spec.check();
    } catch (e) {
      if (e instanceof StoppedEarlyError) return report.failed(e, options.dryRun);
      report.error = errorOf(e);
      return report.finish(options.dryRun);
    }
  }
  const w = new PullWindow(deps, options, report, spec);
  const seen = new Set<string>();
  let afterId: string | undefined;
  for (;;) {
    if (w.stopped()) {
      w.stopNote('the remaining rows are');
      break;
    }
    const rows = await deps.store.pendingInbound(spec.table, {
      ...(options.ids ? { ids: options.ids } : {}),
      ...(afterId ? { afterId } : {}),
      limit: spec.window,
    });
    if (rows.length === 0) break;
    for (const r of rows) seen.add(r.staging_id);
    w.read(rows);
    afterId = rows[rows.length - 1]?.staging_id;
    const end = await spec.applyWindow(rows, w);
    if (end === 'stop') break;
    if (end !== 'next') {
      const { read, written, skipped, failed } = report.counts;
      unavailable(report, end, read - written - skipped - failed);
      break;
    }
    if (rows.length < spec.window) break;
  }
  const missing = (options.ids ?? []).filter((id) => !seen.has(id));
  if (missing.length > 0)
    report.note(`Not NEW or not found, so not applied: staging_id ${missing.join(', ')}.`);
  if (w.changedMidRun > 0) {
    const n = w.changedMidRun;
    report.note(
      `${n} row${n === 1 ? ' was' : 's were'} changed in the staging table (or taken by another run) while being applied; ` +
        `${n === 1 ? 'it stays' : 'they stay'} NEW and the next run applies ${n === 1 ? 'it' : 'them'} again.`,
    );
  }
  return report.finish(options.dryRun);
}

/**
 * Oro became unreachable, or the run was stopped inside a request's waits (the time budget, a
 * signal): the rows left stay NEW.
 */
function unavailable(report: ReportBuilder, err: SagesyncError, rowsLeft: number): void {
  if (err instanceof StoppedEarlyError) {
    // Not a failure: stopped between two requests or in a wait before a retry (a safe point).
    report.note(stopMessage(stopCauseOf(err), `${rowsLeft} row${rowsLeft === 1 ? ' is' : 's are'}`));
    return;
  }
  report.error = {
    kind: 'unavailable',
    message: `${err.message} ${rowsLeft} row${rowsLeft === 1 ? '' : 's'} left NEW for the next run.`,
  };
}
