/**
 * Opens the staging store for the configured dialect. Drivers are imported lazily: a run on
 * PostgreSQL never loads mssql, one on SQL Server never loads pg or PGlite.
 */
import type { Config } from '../config/schema.js';
import type { CommunicationObserver, Logger } from '../log/types.js';
import { defaultSchema } from './dialects.js';
import type { StoreNames } from './names.js';
import { RetryBudgetBox, type RetryOptions } from './retry.js';
import type { StagingStore } from './store.js';

export interface OpenStoreOptions {
  logger?: Logger;
  /** Communication logging: every statement's text, duration and row count (never values). */
  onSql?: CommunicationObserver;
  /** Overrides host/port when an SSH tunnel forwards the database (src/tunnel/). */
  endpoint?: { host: string; port: number };
  /** How refused work is retried (retry.ts); tests pass a sleep that does not wait. */
  retry?: RetryOptions;
}

function storeNames(config: Config): StoreNames {
  const dialect = config.staging.dialect;
  return {
    schema: config.staging.schema ?? defaultSchema(dialect),
    prefix: config.staging.tablePrefix,
  };
}

/** One warning per wait before a retry of refused work: what a stop during it is cutting short. */
function waitLogger(logger: Logger | undefined): RetryOptions['onWait'] {
  return (refusal, retry, of, ms) =>
    logger?.warn(
      `The staging database refused the work: ${refusal.what} (${refusal.detail}); retry ${retry} of ${of} in ${ms} ms.`,
    );
}

/**
 * Throws ServiceUnavailableError('database') when the server cannot be reached or refuses the
 * login, and StoreBusyError (src/staging/store-busy.ts) when another process holds the embedded
 * database.
 */
export async function openStore(config: Config, given: OpenStoreOptions = {}): Promise<StagingStore> {
  const names = storeNames(config);
  // The run's limits reach the retries through this box (StagingStore.setRetryBudget).
  const opts = {
    ...given,
    retry: {
      ...given.retry,
      budget: given.retry?.budget ?? new RetryBudgetBox(),
      onWait: given.retry?.onWait ?? waitLogger(given.logger),
    },
  };
  switch (config.staging.dialect) {
    case 'postgres':
      return (await import('./postgres/postgres-open.js')).openPostgres(config, names, opts);
    case 'embedded':
      return (await import('./postgres/postgres-open.js')).openEmbedded(config, names, opts);
    case 'mssql':
      return (await import('./mssql/mssql-open.js')).openMssql(config, names, opts);
  }
}
