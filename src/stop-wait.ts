/**
 * The waits a stop signal cuts short (SIGTERM, SIGINT, SIGHUP: src/index.ts aborts the run's
 * AbortSignal, its reason the signal's name). A wait between retries (staging refusals, Oro's
 * backoff and Retry-After) ends at once when the signal comes, and the work it waited for does not
 * start: StopSignalError, which the jobs report as a stop, not as a failure (src/jobs/kit/report.ts).
 */
import { StopSignalError } from './errors.js';

/** Waits `ms`, or until `stop` is aborted (at once when it already is). */
export const pause = (ms: number, stop?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (stop?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop?.addEventListener('abort', done, { once: true });
  });

/** The signal's name, as src/index.ts gives it. */
function signalName(stop: AbortSignal): string {
  return String(stop.reason ?? 'a signal');
}

/** Throws StopSignalError when `stop` was aborted: no retry starts after a signal. */
export function throwIfStopped(stop: AbortSignal | undefined, during: () => string, cause?: unknown): void {
  if (stop?.aborted) {
    throw new StopSignalError(signalName(stop), during(), cause === undefined ? undefined : { cause });
  }
}
