/**
 * What a command needs from the outside world, built once by the CLI (src/cli/runtime.ts) from
 * the configuration. Everything is opened lazily and closed by the CLI.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/types.js';
import type { OroClient } from '../oro/types.js';
import type { Problem } from '../notify/problems.js';
import type { StagingStore } from '../staging/store.js';
import type { JobCounts, JobName, RequestCounts } from './types.js';

export interface Notifier {
  /**
   * Notes a problem through sagesync_alert: e-mails it when it starts, its new records as a
   * digest once a throttle window, a reminder for a problem without records; never throws.
   */
  problem(p: Problem): Promise<void>;
  /** Problems not reported in this run are cleared (recovery e-mail once). */
  settle(activeFingerprints: readonly string[]): Promise<void>;
}

export interface RunContext {
  config: Config;
  logger: Logger;
  clock: () => Date;
  openStore: () => Promise<StagingStore>;
  openOro: () => Promise<OroClient>;
  notifier?: Notifier;
  /** Aborted (reason: the signal's name) on SIGTERM/SIGINT/SIGHUP: no new job or batch starts. */
  stop?: AbortSignal;
  /** Oro requests and SQL statements so far in this process (when the metrics count them). */
  requestCounts?: () => RequestCounts;
  /** Live counts per job (a TTY spinner). */
  progress?: (job: JobName, counts: JobCounts) => void;
}
