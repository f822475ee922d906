/**
 * What both server dialects do with work the database refused because of other work (a deadlock,
 * a lock wait that timed out, the statement deadline `staging.statementTimeoutMs`): run it again,
 * whole (the statement, or the transaction from its start), after 250 ms, 1 s and 4 s, then stop
 * the job with exit 69 saying the next run retries it (STYLE.md "Errors say what happens next").
 * Each dialect says which of its errors are such refusals (mssql/mssql-errors.ts,
 * postgres/postgres-errors.ts); PGlite is one session and never meets one.
 *
 * A retry is new work, so it obeys the run's limits as a new batch does (src/jobs/stop.ts): none
 * starts once a stop signal arrived, and none whose start (after its wait) would fall on or past
 * run-all's time budget. A signal before or during the wait (which it ends) is a stop, not a
 * failure: StopSignalError, reported as "stopped early" with no alert, as a signal between two
 * batches is (the batch was rolled back and the next run does it). A refusal the time budget
 * leaves unretried is reported as it is (exit 69, saying why it was not retried): a refusal that
 * comes back every run (a statement that needs longer than staging.statementTimeoutMs) stays
 * visible instead of passing for a run that ran out of time.
 */
import { ServiceUnavailableError } from '../errors.js';
import { pause, throwIfStopped } from '../stop-wait.js';

/** The limits of the run the store works for (src/jobs/runner.ts sets them). */
export interface RetryBudget {
  /** Epoch ms on `now` from which no retry starts (run-all's time budget); none: no limit. */
  at?: number;
  /** The runner's injected clock. */
  now: () => number;
  /** Aborted on SIGTERM/SIGINT/SIGHUP (its reason: the signal's name): no retry starts after it. */
  stop?: AbortSignal;
}

/** Where a store keeps the budget its runner set, read by every retry of its driver. */
export class RetryBudgetBox {
  current: RetryBudget | undefined;
}

export interface RetryOptions {
  /** Retries after the first attempt (3). */
  retries?: number;
  /** Waits `ms`, or less when `stop` is aborted meanwhile. */
  sleep?: (ms: number, stop?: AbortSignal) => Promise<void>;
  budget?: RetryBudgetBox;
  /** Told before each wait (src/staging/open-store.ts logs it): what was refused, which retry, how long. */
  onWait?: (refusal: Refusal, retry: number, of: number, ms: number) => void;
}

const DEFAULT_RETRIES = 3;

/** The default wait between attempts: `ms`, or until `stop` is aborted. */
export const retryPause = pause;

/** Why a retry that would start `inMs` from now may not, or null when it may. */
export function retryRefused(budget: RetryBudget | undefined, inMs: number): string | null {
  if (!budget) return null;
  if (budget.stop?.aborted)
    return `not retried: sagesync received ${String(budget.stop.reason ?? 'a signal')}`;
  if (budget.at !== undefined && budget.now() + inMs >= budget.at)
    return 'not retried: the run-all time budget (runAll.maxDurationSeconds) ends before a retry could start';
  return null;
}

/** 250 ms, 1 s, 4 s, with up to 50% jitter so two deadlocked hosts do not meet again. */
export function retryDelayMs(attempt: number, random = Math.random): number {
  const base = 250 * 4 ** (attempt - 1);
  return Math.round(base * (1 + random() / 2));
}

/** A refusal: what it was, in words (`a deadlock`), and the server's own code and text. */
export interface Refusal {
  what: string;
  detail: string;
}

export interface RetryPolicy extends RetryOptions {
  /** The refusal `err` is, or null for an error that is not retried. */
  refusal(err: unknown): Refusal | null;
  /** Maps an error that is not retried (a lost connection) before it is thrown. */
  otherwise?(err: unknown): unknown;
  /**
   * The error that stops the job once the retries are spent, or (`notRetried`: why) once the
   * run's budget or a stop signal forbids the next one.
   */
  giveUp(refusal: Refusal, attempts: number, err: unknown, notRetried?: string): Error;
}

export async function retrying<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const retries = policy.retries ?? DEFAULT_RETRIES;
  const sleep = policy.sleep ?? retryPause;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const refusal = policy.refusal(err);
      if (!refusal) throw policy.otherwise ? policy.otherwise(err) : err;
      if (n > retries) throw policy.giveUp(refusal, n, err);
      const delay = retryDelayMs(n);
      const budget = policy.budget?.current;
      let why = retryRefused(budget, delay);
      if (why === null) {
        policy.onWait?.(refusal, n, retries, delay);
        await sleep(delay, budget?.stop);
        // A signal during the wait, or a clock that jumped: looked at again before the retry.
        why = retryRefused(policy.budget?.current, 0);
      }
      if (why !== null) {
        const refused = policy.giveUp(refusal, n, err, why);
        throwIfStopped(
          policy.budget?.current?.stop,
          () =>
            `waiting to retry work the staging database refused (${refusal.what}); the batch was rolled back`,
          refused,
        );
        throw refused;
      }
    }
  }
}

/** The deadline refusal, naming the setting that decides it. */
export function deadlineRefusal(deadlineMs: number, detail: string): Refusal {
  return { what: `no answer within staging.statementTimeoutMs (${deadlineMs} ms)`, detail };
}

/** Exit 69: `<label> staging database at <where> refused the work [N times in a row]: …`. */
export function refusedError(
  label: string,
  where: string,
  refusal: Refusal,
  attempts: number,
  cause: unknown,
  hint: string,
  notRetried?: string,
): ServiceUnavailableError {
  const times = attempts > 1 ? ` ${attempts} times in a row` : '';
  const why = notRetried ? `; ${notRetried}` : '';
  return new ServiceUnavailableError(
    'database',
    `The ${label} staging database at ${where} refused the work${times}: ${refusal.what} (${refusal.detail})${why}. ` +
      'The batch was rolled back; the next run retries it.',
    {
      cause,
      hint: refusal.what.includes('staging.statementTimeoutMs')
        ? `${hint} A statement that needs longer (a first migrate on a large table) needs a larger staging.statementTimeoutMs.`
        : hint,
    },
  );
}
