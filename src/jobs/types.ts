/**
 * A job is a typed function `job(deps, options) → Promise<JobReport>`. It receives the outside
 * world (STYLE.md "Inject, don't import"); it never exits the process and never prints.
 */
import type { Config } from '../config/schema.js';
import type { ErrorKind } from '../errors.js';
import type { Logger } from '../log/types.js';
import type { OroClient } from '../oro/types.js';
import type { RunOutcome, StagingStore } from '../staging/store.js';
import type { BuiltInJobName } from './catalog.js';

/** A job of the catalog (./catalog.ts): a built-in job, or `stream:<name>` for a custom stream. */
export type JobName = BuiltInJobName | `stream:${string}`;

export interface JobDeps {
  config: Config;
  store: StagingStore;
  /** Created lazily: a pull job that has nothing to do never contacts Oro. */
  oro: () => Promise<OroClient>;
  logger: Logger;
  clock: () => Date;
  /** Live counts for a TTY spinner. */
  progress?: (counts: JobCounts) => void;
  /** Epoch ms after which no new batch may start (run-all's time budget). */
  deadline?: number;
  /**
   * Proves the job's lock still held (a server round trip); throws LockLostError (exit 69).
   * Called before each write outside the store (a PATCH to Oro); the store checks its own writes.
   */
  assertLock?: () => Promise<void>;
  /** Aborted (reason: the signal's name) when the process is asked to stop: start no new batch. */
  stop?: AbortSignal;
}

export interface JobOptions {
  dryRun: boolean;
  /** Oro ids (push jobs) or staging ids (pull jobs). */
  ids?: string[];
}

export interface JobCounts {
  read: number;
  /** Rows staged (push) or applied to Oro (pull). */
  written: number;
  skipped: number;
  /** Quarantined (push) or set to ERROR (pull). */
  failed: number;
}

export interface RecordFailure {
  entity: string;
  id: string;
  reason: string;
}

export interface JobReport {
  job: JobName;
  outcome: RunOutcome;
  counts: JobCounts;
  durationMs: number;
  failures: RecordFailure[];
  /** With --dry-run: what would have been written. */
  plan?: unknown[];
  /** Why the job stopped early (time budget) or was skipped (lock). */
  message?: string;
  /** Oro requests and SQL statements of the job, when the metrics count them (issue 19). */
  requests?: RequestCounts;
  /** Set when outcome is `failed`: the error's kind decides the exit code (src/cli/exit.ts). */
  error?: { kind: ErrorKind; message: string };
}

export interface RequestCounts {
  oroRequests: number;
  oroMs: number;
  dbStatements: number;
  dbMs: number;
}

export type Job = (deps: JobDeps, options: JobOptions) => Promise<JobReport>;
