/**
 * Which error kind decides a run's exit code. Apart from the runner so that the CLI's exit-code
 * table (src/cli/exit.ts, loaded by every command and by --help) does not load the runner and
 * what it imports (notifications, the job registry, the custom streams).
 */
import type { ErrorKind } from '../errors.js';
import type { RunSummary } from './runner.js';

/** The kind that decides the exit code: config (78) > unavailable (69) > internal > records (1). */
export function worstKind(summary: RunSummary): ErrorKind | null {
  const kinds = summary.jobs.map((j) =>
    j.outcome === 'failed'
      ? (j.error?.kind ?? 'internal')
      : j.outcome === 'records-failed'
        ? 'records'
        : null,
  );
  const order: ErrorKind[] = ['config', 'unavailable', 'usage', 'internal', 'records'];
  return order.find((k) => kinds.includes(k)) ?? null;
}
