/**
 * What a job run tells the monitoring side (issue 19): the heartbeat pings and the metrics. The CLI
 * starts it before the run and finishes it after; nothing here fails or outlasts the run by more
 * than the configured timeouts (the figures are read from the store the run already opened).
 */
import type { Config } from '../config/schema.js';
import type { RunContext } from '../jobs/context.js';
import type { RunSummary } from '../jobs/runner.js';
import { createRedactor, type Redactor } from '../log/redact.js';
import type { Logger } from '../log/types.js';
import type { StatusReport } from '../ops/status.js';
import type { Heartbeat } from './heartbeat.js';
import type { RunMetrics } from './metrics.js';

export interface RunMonitor {
  /** Sends the start ping alongside the run. */
  start(): void;
  finish(run: { exitCode: number; details: string; summary: RunSummary | null }): Promise<void>;
}

export function metricsConfigured(config: Config): boolean {
  return Boolean(config.monitoring.textfile ?? config.monitoring.pushgateway);
}

export async function createRunMonitor(
  config: Config,
  deps: { logger: Logger; metrics?: RunMetrics; ctx: RunContext; redactor?: Redactor },
): Promise<RunMonitor | undefined> {
  const { logger, metrics, ctx } = deps;
  const cfg = config.monitoring.heartbeat;
  if (!cfg && !metrics) return undefined;
  let heartbeat: Heartbeat | undefined;
  if (cfg) heartbeat = (await import('./heartbeat.js')).createHeartbeat(cfg, { logger });
  // The /fail body (error messages, failed records) leaves the host: mask the configured
  // secrets and anything secret-shaped in it, as every log line is.
  // The run's own redactor also knows the access tokens Oro issued during the run.
  const redactor = deps.redactor ?? createRedactor(config);
  let started: Promise<void> | undefined;
  return {
    start() {
      started = heartbeat?.start();
    },
    async finish(run) {
      await started;
      await Promise.all([
        heartbeat?.finish(run.exitCode, redactor.redact(run.details)),
        metrics ? recordAndExport(config, metrics, ctx, run, logger) : undefined,
      ]);
    },
  };
}

async function recordAndExport(
  config: Config,
  metrics: RunMetrics,
  ctx: RunContext,
  run: { exitCode: number; summary: RunSummary | null },
  logger: Logger,
): Promise<void> {
  let report: StatusReport | null = null;
  // A run that could not reach the database would only wait for it again.
  const reachable = run.summary?.jobs.some((j) => j.outcome !== 'failed' || j.error?.kind === 'records');
  if (reachable) {
    try {
      const { status } = await import('../ops/status.js');
      report = await status(ctx);
    } catch (err) {
      logger.warn(`Could not read the staging figures for the metrics: ${(err as Error).message}`);
    }
  }
  metrics.record({ summary: run.summary, exitCode: run.exitCode, status: report, finishedAt: ctx.clock() });
  const { exportMetrics } = await import('./export.js');
  await exportMetrics(config.monitoring, metrics, logger);
}
