/**
 * What both server dialects do with work the database refused because of other work (a deadlock,
 * a lock wait that timed out, the statement deadline `staging.statementTimeoutMs`): run it again,
 * whole (the statement, or the transaction from its start), after 250 ms, 1 s and 4 s, then stop
 * the job with exit 69 saying the next run retries it (STYLE.md "Errors say what happens next").
 * Each dialect says which of its errors are such refusals (mssql/mssql-errors.ts,
 * postgres/postgres-errors.ts); PGlite is one session and never meets one.
 */
import { ServiceUnavailableError } from '../errors.js';

export interface RetryOptions {
  /** Retries after the first attempt (3). */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRIES = 3;

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
  /** The error that stops the job once the retries are spent. */
  giveUp(refusal: Refusal, attempts: number, err: unknown): Error;
}

export async function retrying<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const retries = policy.retries ?? DEFAULT_RETRIES;
  const sleep = policy.sleep ?? pause;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const refusal = policy.refusal(err);
      if (!refusal) throw policy.otherwise ? policy.otherwise(err) : err;
      if (n > retries) throw policy.giveUp(refusal, n, err);
      await sleep(retryDelayMs(n));
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
): ServiceUnavailableError {
  const times = attempts > 1 ? ` ${attempts} times in a row` : '';
  return new ServiceUnavailableError(
    'database',
    `The ${label} staging database at ${where} refused the work${times}: ${refusal.what} (${refusal.detail}). ` +
      'The batch was rolled back; the next run retries it.',
    {
      cause,
      hint: refusal.what.includes('staging.statementTimeoutMs')
        ? `${hint} A statement that needs longer (a first migrate on a large table) needs a larger staging.statementTimeoutMs.`
        : hint,
    },
  );
}
