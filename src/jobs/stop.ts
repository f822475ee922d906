/**
 * When a job starts no new batch: the run's time budget is spent (run-all), or the process was
 * asked to stop (SIGTERM, SIGINT, SIGHUP: src/index.ts aborts `deps.stop`). Either way the batch
 * in flight commits or rolls back as a whole, the cursor stays with the rows it covers, and the
 * job reports why it stopped early.
 */
import { StopSignalError, type StoppedEarlyError } from '../errors.js';
import type { JobDeps } from './types.js';

export type StopCause = { kind: 'signal'; signal: string; during?: string } | { kind: 'budget' };

export function stopCause(deps: Pick<JobDeps, 'stop' | 'deadline'>, now = Date.now()): StopCause | undefined {
  if (deps.stop?.aborted) return { kind: 'signal', signal: String(deps.stop.reason ?? 'a signal') };
  if (deps.deadline !== undefined && now >= deps.deadline) return { kind: 'budget' };
  return undefined;
}

/** The stop check of a job, on its injected clock: the one time-budget check of the jobs. */
export function jobStopCause(deps: Pick<JobDeps, 'stop' | 'deadline' | 'clock'>): StopCause | undefined {
  return stopCause(deps, deps.clock().getTime());
}

/** What ended a job that threw a stop (the time budget, or a signal during a wait). */
export function stopCauseOf(err: StoppedEarlyError): StopCause {
  return err instanceof StopSignalError
    ? { kind: 'signal', signal: err.signal, during: err.during }
    : { kind: 'budget' };
}

/** The report's note: what stopped the job and what is left for the next run. */
export function stopMessage(cause: StopCause, left: string): string {
  return cause.kind === 'signal'
    ? `Stopped early: sagesync received ${cause.signal}${cause.during ? ` while ${cause.during}` : ''}; ${left} left for the next run.`
    : `Stopped at the run-all time budget (runAll.maxDurationSeconds); ${left} left for the next run.`;
}

/**
 * Did a run stop before reading to the end (time budget or signal)? Every such message says
 * "time budget" or "received SIG" (stopMessage above, ReportBuilder.outOfTime, the runner's
 * notStarted): `sagesync status` measures the lag from the cursor then (src/ops/status.ts).
 */
export function stoppedEarly(message: string | null | undefined): boolean {
  return message !== null && message !== undefined && /time budget|received SIG/.test(message);
}

/** Did a signal stop the job (between batches, in a wait, or before it started)? */
export function stoppedBySignal(message: string | null | undefined): boolean {
  return message !== null && message !== undefined && /received SIG/.test(message);
}
