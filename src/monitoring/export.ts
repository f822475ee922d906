/**
 * Where a run's metrics go (issue 19): a cron job cannot be scraped, so it leaves them behind.
 *
 * - `monitoring.textfile`: a file for node_exporter's textfile collector, written to a temporary
 *   file in the same directory and renamed over the old one, so the collector never reads half a
 *   file (https://github.com/prometheus/node_exporter#textfile-collector: "atomically").
 * - `monitoring.pushgateway`: PUT to `<url>/metrics/job/<job>/instance/<instance>` through
 *   prom-client's Pushgateway, so each push replaces the group's previous one
 *   (https://github.com/prometheus/pushgateway#put-method).
 *
 * Neither ever fails the run: a problem is a warning in the log.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Pushgateway } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/types.js';
import type { RunMetrics } from './metrics.js';

export async function exportMetrics(
  cfg: Config['monitoring'],
  metrics: RunMetrics,
  logger: Logger,
): Promise<void> {
  const text = await metrics.registry.metrics();
  await Promise.all([
    cfg.textfile ? writeTextfile(cfg.textfile, text, logger) : undefined,
    cfg.pushgateway ? push(cfg.pushgateway, metrics, logger) : undefined,
  ]);
}

async function writeTextfile(file: string, text: string, logger: Logger): Promise<void> {
  // Not *.prom: the collector must never pick up the temporary file.
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, file);
    logger.debug(`Wrote the run's metrics to ${file}`);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    logger.warn(
      `Could not write the metrics file ${file} (the run is not affected): ${(err as Error).message}. Check monitoring.textfile and that its directory is writable.`,
    );
  }
}

async function push(
  cfg: NonNullable<Config['monitoring']['pushgateway']>,
  metrics: RunMetrics,
  logger: Logger,
): Promise<void> {
  const instance = cfg.instance ?? hostname();
  const gateway = new Pushgateway(
    cfg.url,
    { timeout: cfg.timeoutMs, headers: { 'Content-Type': metrics.registry.contentType } },
    metrics.registry,
  );
  try {
    await gateway.push({ jobName: cfg.job, groupings: { instance } });
    logger.debug(`Pushed the run's metrics to ${cfg.url} (job ${cfg.job}, instance ${instance})`);
  } catch (err) {
    logger.warn(
      `Could not push the metrics to the Pushgateway ${cfg.url} (the run is not affected): ${(err as Error).message}. Check monitoring.pushgateway.`,
    );
  }
}
