/**
 * Small pieces both push jobs share: the report being built, the time budget, and turning a
 * thrown error into a `failed` report (the CLI maps its kind to an exit code).
 */
import { SagesyncError } from '../../errors.js';
import { stopCause } from '../stop.js';
import type { JobCounts, JobDeps, JobName, JobReport, RecordFailure } from '../types.js';

export class ReportBuilder {
  readonly counts: JobCounts = { read: 0, written: 0, skipped: 0, failed: 0 };
  readonly failures: RecordFailure[] = [];
  readonly plan: unknown[] = [];
  message: string | undefined;
  private readonly started: number;

  constructor(
    readonly job: JobName,
    private readonly deps: JobDeps,
  ) {
    this.started = deps.clock().getTime();
  }

  fail(entity: string, id: string, reason: string): void {
    this.failures.push({ entity, id, reason });
    this.counts.failed++;
  }

  progress(): void {
    this.deps.progress?.({ ...this.counts });
  }

  /** True when the run's time budget is spent or a signal asked to stop: start no new batch. */
  outOfTime(): boolean {
    const cause = stopCause(this.deps, this.deps.clock().getTime());
    if (!cause) return false;
    this.message ??=
      cause.kind === 'signal'
        ? `stopped early: sagesync received ${cause.signal}; the next run continues`
        : 'stopped early: the time budget of this run is spent; the next run continues';
    return true;
  }

  finish(dryRun: boolean): JobReport {
    const report: JobReport = {
      job: this.job,
      outcome: this.failures.length > 0 ? 'records-failed' : 'ok',
      counts: { ...this.counts },
      durationMs: this.deps.clock().getTime() - this.started,
      failures: this.failures,
    };
    if (dryRun) report.plan = this.plan;
    if (this.message) report.message = this.message;
    return report;
  }

  failed(err: unknown, dryRun: boolean): JobReport {
    const report = this.finish(dryRun);
    report.outcome = 'failed';
    const message = err instanceof Error ? err.message : String(err);
    report.error = { kind: err instanceof SagesyncError ? err.kind : 'internal', message };
    report.message = message;
    return report;
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `--id 12,15` values as Oro ids; a non-numeric one is a usage problem the CLI already rejects. */
export function parseIds(ids: readonly string[] | undefined): string[] | undefined {
  if (!ids) return undefined;
  return [
    ...new Set(
      ids
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/**
 * Starts fetching the next item while the caller works on the current one, so Oro's response
 * time overlaps the staging transaction instead of adding to it. At most one item is in flight.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      // Observed when awaited in the next turn; this only keeps an early exit from leaving an
      // unhandled rejection behind.
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await it.return?.(undefined).catch(() => undefined);
  }
}
