/**
 * Runs jobs each under its own lock, recording each run in sagesync_run (issue 5 builds this).
 */
import { NotAvailableYetError } from '../errors.js';
import type { RunContext } from './context.js';
import type { JobName, JobOptions, JobReport } from './types.js';

export interface RunSummary {
  command: string;
  startedAt: string;
  durationMs: number;
  jobs: JobReport[];
}

export async function runJobs(
  names: readonly JobName[],
  _ctx: RunContext,
  options: JobOptions & { command: string },
): Promise<RunSummary> {
  throw new NotAvailableYetError(
    `"sagesync ${options.command}" is not available yet (jobs: ${names.join(', ')}).`,
  );
}
