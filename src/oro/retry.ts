/**
 * Backoff arithmetic. Exponential with "equal jitter" so that many clients released by the
 * same outage do not come back in lock-step; `Retry-After` (429/503) wins when present.
 */
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

/** Delay before retry number `attempt` (1-based). */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent/bad. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Answers worth retrying: the server or something in front of it is overloaded or broken. */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * For a request that is not idempotent (POST): could the server have applied it although we
 * saw a failure? 429 and 503 are refusals before work; a reset, a timeout or a 500 may be after.
 */
export function isAmbiguousStatus(status: number): boolean {
  return status >= 500 && status !== 503;
}
