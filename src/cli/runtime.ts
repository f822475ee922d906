/**
 * Builds the RunContext (src/jobs/context.ts) from the loaded configuration: logger, lazily
 * opened staging store (through the SSH tunnel when `staging.sshTunnel` is set), lazily created
 * Oro client, notifier and clock. Everything opened is closed when the command ends, also on
 * errors (`withRuntime`). Drivers and the HTTP client are imported only when first used.
 */
import type { Config } from '../config/schema.js';
import type { RunContext } from '../jobs/context.js';
import { combineObservers, createCommunicationObserver } from '../log/communication.js';
import { createLogger, type ClosableLogger } from '../log/logger.js';
import { createRedactor, type Redactor } from '../log/redact.js';
import type { RunMetrics } from '../monitoring/metrics.js';
import type { OroClient } from '../oro/types.js';
import type { StagingStore } from '../staging/store.js';
import type { CliIo, GlobalFlags } from './io.js';
import { colourWanted } from './colour.js';
import { logBase, type Output } from './output.js';

export interface Runtime {
  ctx: RunContext;
  logger: ClosableLogger;
  /** Masks every secret known to this run (configured ones and the Oro tokens it was issued). */
  redactor: Redactor;
  /** When monitoring.textfile or monitoring.pushgateway is set: this run's metrics (issue 19). */
  metrics?: RunMetrics;
  /** Closes what was opened, newest first; logs (never throws) what fails to close. */
  close(): Promise<void>;
}

function memo<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | undefined;
  return () => {
    // A failed open is not cached: a later call (another job) may try again.
    opened ??= open().catch((err: unknown) => {
      opened = undefined;
      throw err;
    });
    return opened;
  };
}

async function createRuntime(config: Config, flags: GlobalFlags, io: CliIo, out?: Output): Promise<Runtime> {
  const redactor = createRedactor(config);
  out?.setRedactor((t) => redactor.redact(t));
  const logger = createLogger(config.logging, {
    verbose: flags.verbose,
    quiet: flags.quiet,
    json: flags.json,
    redactor,
    stream: io.stderr as NodeJS.WritableStream,
    base: logBase(flags.command),
    colour: colourWanted(io.env, io.stderr.isTTY === true, flags.noColor),
  });
  // One format per stream: the CLI's own problem lines follow the log's (issue 20).
  out?.setStderrJson(logger.consoleJson);
  // Insecure settings (TLS or certificate verification off) are warned about on every run.
  const { logSecurityWarnings } = await import('../ops/security-warnings.js');
  logSecurityWarnings(config, logger);
  // Metrics count and time every Oro request and SQL statement through the same observer seam.
  const { metricsConfigured } = await import('../monitoring/monitor.js');
  const metrics = metricsConfigured(config)
    ? (await import('../monitoring/metrics.js')).createRunMetrics()
    : undefined;
  const observe = combineObservers(
    createCommunicationObserver(config.logging, logger),
    metrics ? (e) => metrics.observe(e) : undefined,
  );
  const closers: { what: string; close: () => Promise<void> | void }[] = [];
  // One clock for the run: the runner's budget, the Oro client's and the notifier's times.
  const clock = (): Date => new Date();

  const openStore = memo(async (): Promise<StagingStore> => {
    let endpoint: { host: string; port: number } | undefined;
    const tunnelConfig = config.staging.sshTunnel;
    if (tunnelConfig && config.staging.dialect !== 'embedded') {
      const { openTunnel } = await import('../tunnel/ssh-tunnel.js');
      const { connectionOptions } = await import('../staging/connection-options.js');
      // The real server as seen from the bastion (1433 SQL Server, 5432 PostgreSQL by default).
      const target = connectionOptions(config.staging, config.staging.dialect === 'mssql' ? 1433 : 5432);
      const tunnel = await openTunnel(tunnelConfig, { host: target.host, port: target.port }, { logger });
      closers.push({ what: 'SSH tunnel', close: () => tunnel.close() });
      endpoint = { host: tunnel.host, port: tunnel.port };
    }
    const { openStore: open } = await import('../staging/open-store.js');
    const store = await open(config, {
      logger,
      ...(observe ? { onSql: observe } : {}),
      ...(endpoint ? { endpoint } : {}),
    });
    closers.push({ what: 'staging database', close: () => store.close() });
    return store;
  });

  const openOro = memo(async (): Promise<OroClient> => {
    const { createOroClient } = await import('../oro/client.js');
    const client = createOroClient(config, {
      logger,
      now: () => clock().getTime(),
      ...(observe ? { onHttp: observe } : {}),
    });
    closers.push({ what: 'Oro client', close: () => client.close() });
    return client;
  });

  const { notificationsConfigured } = await import('../notify/mailer.js');
  let notifier: RunContext['notifier'];
  if (notificationsConfigured(config.notifications)) {
    const { createNotifier } = await import('../notify/notifier.js');
    const n = createNotifier({ config, logger, redactor, clock, store: openStore });
    if (n) {
      closers.push({ what: 'mailer', close: () => n.close() });
      notifier = n;
    }
  }

  const ctx: RunContext = {
    config,
    logger,
    clock,
    openStore,
    openOro,
    ...(notifier ? { notifier } : {}),
    ...(metrics ? { requestCounts: () => metrics.totals() } : {}),
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const c of closers.reverse()) {
        try {
          await c.close();
        } catch (err) {
          logger.warn(`Could not close the ${c.what}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      await logger.close();
    })());
  return { ctx, logger, close, redactor, ...(metrics ? { metrics } : {}) };
}

/** Runs `fn` with a fresh runtime and closes it afterwards, whatever happens. */
export async function withRuntime<T>(
  config: Config,
  flags: GlobalFlags,
  io: CliIo,
  out: Output | undefined,
  fn: (rt: Runtime) => Promise<T>,
): Promise<T> {
  const rt = await createRuntime(config, flags, io, out);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}
