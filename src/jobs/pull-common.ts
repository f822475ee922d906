/**
 * What pull-credit and pull-tracking share: sorting Oro failures into "this row can never apply
 * as it stands" and "try again next run" (STYLE.md "Errors say what happens next"), the time
 * budget, message clipping and the report tally.
 */
import { SagesyncError, ServiceUnavailableError, TimeBudgetSpentError, type ErrorKind } from '../errors.js';
import { OroRecordError } from '../oro/errors.js';
import type { InboundRow, InboundUpdate, Row, StagingStore } from '../staging/store.js';
import type { TableDef } from '../staging/tables.js';
import { stopCause, stopMessage } from './stop.js';
import type { JobCounts, JobDeps, JobName, JobReport, RecordFailure } from './types.js';

/** `sync_message` is nvarchar(1000) in the contract; our own messages must fit, never be cut by the DB. */
export const SYNC_MESSAGE_MAX = 1000;

export function clip(message: string, max = SYNC_MESSAGE_MAX): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}

/**
 * A failure of one Oro request. `record`: Oro answered 400/404, the request as built can never
 * succeed (oroinc/platform src/Oro/Bundle/ApiBundle/Processor/GetConfig/Rest/CompleteStatusCodes.php
 * @6.1.0: validation errors are 400), so the row goes to ERROR. `passing`: Oro unreachable, 5xx or timeout
 * after the client's retries, or refused credentials: the row stays NEW for the next run.
 */
export type OroFailure =
  | { kind: 'record'; status: number; detail: string; title: string }
  | { kind: 'passing'; error: SagesyncError };

export function classifyOroError(err: unknown): OroFailure {
  if (err instanceof OroRecordError) {
    const detail = err.detail ?? err.message;
    return { kind: 'record', status: err.status, detail, title: err.title ?? '' };
  }
  if (err instanceof SagesyncError && err.kind === 'unavailable') return { kind: 'passing', error: err };
  // Anything else is a bug or an unexpected answer: let the runner report it as the job's failure.
  throw err;
}

/**
 * The reason for a row whose record Oro refused with 403: the record is outside the access level
 * of the role of the user that owns the OAuth application (oroinc/orocommerce
 * src/Oro/Bundle/OrderBundle/Tests/Functional/Api/RestJsonApi/OrderShippingTrackingTest.php @6.1.0:
 * 403 "No access to the entity."), which is what to fix.
 */
export function accessDeniedMessage(
  what: string,
  permission: 'View' | 'Edit' | 'Create',
  f: OroFailure,
): string {
  const detail = f.kind === 'record' ? f.detail : '';
  return clip(
    `Oro denied the API user access to ${what} (403: ${detail}). Give the role of the user that owns the ` +
      `OAuth application the ${permission} permission on it at an access level that reaches this record ` +
      `(System > User Management > Roles, e.g. Organization instead of User), then set this row back to NEW.`,
  );
}

/** True when no new batch may start: the time budget is spent or a signal asked to stop. */
export function pastDeadline(deps: JobDeps): boolean {
  return stopCause(deps) !== undefined;
}

/** Why the job stopped early (time budget or signal) and what is left. */
export function budgetMessage(left: string, deps: JobDeps): string {
  return stopMessage(stopCause(deps) ?? { kind: 'budget' }, left);
}

/** Staging ids asked for with --id that are not NEW (or do not exist): said in the report. */
export function idsNotPending(ids: readonly string[] | undefined, seen: ReadonlySet<string>): string[] {
  return (ids ?? []).filter((id) => !seen.has(id));
}

/** Counts, failures and the live progress callback of one pull job. */
export class PullTally {
  readonly counts: JobCounts = { read: 0, written: 0, skipped: 0, failed: 0 };
  readonly failures: RecordFailure[] = [];
  readonly plan: unknown[] = [];
  readonly notes: string[] = [];
  error: { kind: ErrorKind; message: string } | undefined;
  /** The rows of the window being applied, as read: marking compares with them. */
  private readonly asRead = new Map<string, InboundRow>();
  /** Rows X3 changed (or another run took) between reading and marking: left NEW. */
  private changedMidRun = 0;

  constructor(
    private readonly job: JobName,
    private readonly entity: string,
    private readonly progress?: (counts: JobCounts) => void,
  ) {}

  read(rows: readonly InboundRow[]): void {
    this.counts.read += rows.length;
    this.asRead.clear();
    for (const r of rows) this.asRead.set(r.staging_id, r);
    this.tick();
  }

  /**
   * Marks rows DONE or ERROR, each only while it still holds the values of `columns` it was
   * decided from (contract: what X3 may change in a NEW row). A row changed meanwhile stays NEW,
   * is counted as not applied, and the next run decides it again.
   */
  async mark(
    store: StagingStore,
    table: TableDef,
    updates: readonly InboundUpdate[],
    columns: readonly string[],
  ): Promise<void> {
    const expecting = updates.map((u): InboundUpdate => {
      const row = this.asRead.get(u.stagingId);
      if (!row) return u;
      const expect: Row = {};
      for (const c of columns) expect[c] = row[c] ?? null;
      return { ...u, expect };
    });
    const changed = await store.finishInbound(table, expecting);
    this.changedMidRun += updates.length - changed;
  }

  /** Counts the updates that the store actually applied (rows still NEW). */
  finished(updates: readonly InboundUpdate[], kind: 'written' | 'skipped'): void {
    for (const u of updates) {
      if (u.status === 'ERROR') {
        this.counts.failed += 1;
        this.failures.push({ entity: this.entity, id: u.stagingId, reason: u.message ?? 'ERROR' });
      } else {
        this.counts[kind] += 1;
      }
    }
    this.tick();
  }

  unavailable(err: SagesyncError, rowsLeft: number): void {
    if (err instanceof TimeBudgetSpentError) {
      // Not a failure: the budget ran out between two requests (a safe point).
      this.notes.push(stopMessage({ kind: 'budget' }, `${rowsLeft} row${rowsLeft === 1 ? ' is' : 's are'}`));
      return;
    }
    this.error = {
      kind: 'unavailable',
      message: `${err.message} ${rowsLeft} row${rowsLeft === 1 ? '' : 's'} left NEW for the next run.`,
    };
  }

  private message(): string {
    const notes = [...this.notes];
    if (this.changedMidRun > 0) {
      const n = this.changedMidRun;
      notes.push(
        `${n} row${n === 1 ? ' was' : 's were'} changed in the staging table (or taken by another run) while being applied; ` +
          `${n === 1 ? 'it stays' : 'they stay'} NEW and the next run applies ${n === 1 ? 'it' : 'them'} again.`,
      );
    }
    return notes.join(' ');
  }

  tick(): void {
    this.progress?.({ ...this.counts });
  }

  report(startedAt: number, dryRun: boolean): JobReport {
    const outcome = this.error ? 'failed' : this.counts.failed > 0 ? 'records-failed' : 'ok';
    return {
      job: this.job,
      outcome,
      counts: { ...this.counts },
      durationMs: Date.now() - startedAt,
      failures: this.failures,
      ...(dryRun ? { plan: this.plan } : {}),
      ...(this.notes.length + this.changedMidRun > 0 ? { message: this.message() } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }
}

/** A row's column as a trimmed string, or null when absent/blank. */
export function text(row: InboundRow, column: string): string | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  const s = (v instanceof Date ? v.toISOString() : String(v)).trim();
  return s === '' ? null : s;
}

/** An int column as a positive integer, or null. */
export function intId(row: InboundRow, column: string): number | null {
  const s = text(row, column);
  if (s === null || !/^\d+$/.test(s)) return null;
  return Number(s);
}

export { ServiceUnavailableError };
