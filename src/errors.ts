/**
 * Typed errors. Code below the CLI throws these; only src/cli/exit.ts maps them to the
 * contract's exit codes (docs/contract/cli-and-config.md "Exit codes").
 */
export type ErrorKind = 'usage' | 'config' | 'unavailable' | 'records' | 'internal';

export abstract class SagesyncError extends Error {
  abstract readonly kind: ErrorKind;
  /** What the user should do next, printed after the message. */
  readonly hint: string | undefined;
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Exit 64: unknown command or option, bad option value. */
export class UsageError extends SagesyncError {
  readonly kind = 'usage' as const;
}

export interface ConfigProblem {
  /** Key path such as `oro.url` or `streams[0].columns.sku.type`. */
  path: string;
  /** The file the value came from, or `environment` / `defaults`. */
  source: string;
  /** What was expected, in plain words. */
  message: string;
}

/** Exit 78: the configuration is invalid. Carries every problem found, not only the first. */
export class ConfigError extends SagesyncError {
  readonly kind = 'config' as const;
  readonly problems: readonly ConfigProblem[];
  /**
   * `logging.file` when the invalid configuration names one that is itself valid: the CLI writes
   * the error there too, so a scheduled run's configuration error reaches the log (issue 20).
   */
  readonly logFile: string | undefined;
  constructor(problems: ConfigProblem[], options?: { cause?: unknown; hint?: string; logFile?: string }) {
    super(ConfigError.describe(problems), options);
    this.problems = problems;
    this.logFile = options?.logFile;
  }
  static describe(problems: ConfigProblem[]): string {
    const lines = problems.map((p) => `  - ${p.path} (${p.source}): ${p.message}`);
    return `The configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
  }
}

/**
 * Exit 69: a service (database, Oro, SMTP, tunnel) could not be reached or refused the
 * credentials. Nothing was half-written.
 */
export class ServiceUnavailableError extends SagesyncError {
  readonly kind = 'unavailable' as const;
  readonly service: 'database' | 'oro' | 'smtp' | 'tunnel';
  constructor(
    service: 'database' | 'oro' | 'smtp' | 'tunnel',
    message: string,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.service = service;
  }
}

/** Exit 1: the run finished but some records failed (quarantined or ERROR). */
export class RecordsFailedError extends SagesyncError {
  readonly kind = 'records' as const;
}

/** Staging schema missing or older than this sagesync expects: fatal, exit 69. */
export class SchemaVersionError extends ServiceUnavailableError {}

/**
 * The job stopped at a safe point because the run may take no more work: its time budget is spent
 * (TimeBudgetSpentError) or a signal asked it to stop (StopSignalError). Not a failure: nothing is
 * half-written (the cursor and the rows it covers commit together, a pull row is marked only after
 * its request), what was not done is left for the next run, and no alert is sent. The job reports
 * it as a stop (src/jobs/kit/report.ts). Its kind is `unavailable` so that code not expecting it
 * leaves rows for next time.
 */
export abstract class StoppedEarlyError extends SagesyncError {
  readonly kind = 'unavailable' as const;
}

/** The run's time budget (runAll.maxDurationSeconds) was spent before a request could start. */
export class TimeBudgetSpentError extends StoppedEarlyError {
  constructor() {
    super('Stopped at the time budget of this run (runAll.maxDurationSeconds); the next run continues.');
  }
}

/**
 * SIGTERM, SIGINT or SIGHUP arrived while the job waited (between retries of refused staging work,
 * for Oro's Retry-After, before a retry of an Oro request): the wait ends and no retry starts, as
 * no new batch starts after a signal (src/jobs/stop.ts). `cause` is what the job was retrying.
 */
export class StopSignalError extends StoppedEarlyError {
  readonly signal: string;
  /** What the job was waiting for, e.g. `waiting for Oro's Retry-After before GET /orders`. */
  readonly during: string;
  constructor(signal: string, during: string, options?: { cause?: unknown }) {
    super(`Stopped early: sagesync received ${signal} while ${during}; the next run continues.`, options);
    this.signal = signal;
    this.during = during;
  }
}
