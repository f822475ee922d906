/**
 * The one place that picks exit codes (docs/contract/cli-and-config.md "Exit codes"; 70 is
 * sysexits' EX_SOFTWARE, for a bug). Everything below the CLI throws typed errors (src/errors.ts).
 */
import { constants } from 'node:os';
import { CommanderError } from 'commander';
import { SagesyncError, type ErrorKind } from '../errors.js';
import type { RunSummary } from '../jobs/runner.js';
import { worstKind } from '../jobs/worst-kind.js';
import { StoreBusyError } from '../staging/store-busy.js';

export const EXIT = {
  ok: 0,
  recordsFailed: 1,
  usage: 64,
  unavailable: 69,
  internal: 70,
  config: 78,
} as const;

export function exitCodeForKind(kind: ErrorKind): number {
  switch (kind) {
    case 'usage':
      return EXIT.usage;
    case 'config':
      return EXIT.config;
    case 'unavailable':
      return EXIT.unavailable;
    case 'records':
      return EXIT.recordsFailed;
    case 'internal':
      return EXIT.internal;
  }
}

/** The kind of any thrown value, `internal` for what no typed error describes (a bug). */
export function kindOf(err: unknown): ErrorKind {
  if (err instanceof SagesyncError) return err.kind;
  if (err instanceof CommanderError) return 'usage';
  // Another run holds the embedded database: nothing is broken, but this command cannot run now.
  if (err instanceof StoreBusyError) return 'unavailable';
  return 'internal';
}

export function exitCodeForError(err: unknown): number {
  // commander's --help and --version end with a CommanderError whose exitCode is 0.
  if (err instanceof CommanderError && err.exitCode === 0) return EXIT.ok;
  return exitCodeForKind(kindOf(err));
}

/** A run stopped by a signal: 128 + its number (143 SIGTERM, 130 SIGINT, 129 SIGHUP). */
export function exitCodeForSignal(signal: string): number {
  const n = (constants.signals as Record<string, number | undefined>)[signal];
  return 128 + (n ?? 15);
}

/**
 * A job run's code: a job failed on configuration → 78, on a service → 69, on a bug → 70, records
 * failed → 1, else 0 (another run holding the lock is 0, said in the summary).
 */
export function exitCodeForSummary(summary: RunSummary): number {
  const kind = worstKind(summary);
  return kind === null ? EXIT.ok : exitCodeForKind(kind);
}
