/**
 * Opening the PostgreSQL dialect: `pg` against a server, or PGlite on a data directory. Each
 * driver module is imported here, lazily, so a run only loads the one it uses.
 */
import { checkServerIdentity, type ConnectionOptions as TlsOptions } from 'node:tls';
import { readCaFile } from '../../config/ca-file.js';
import type { Config } from '../../config/schema.js';
import { ServiceUnavailableError } from '../../errors.js';
import type { OpenStoreOptions } from '../open-store.js';
import { unavailable } from '../unavailable.js';
import { connectionOptions, describeTarget, scrub } from '../connection-options.js';
import { defaultPort, DIALECT_DEFAULTS } from '../dialects.js';
import type { StoreNames } from '../names.js';
import { connectionLossAware } from './postgres-errors.js';
import { observedDriver } from './postgres-driver.js';
import { PostgresStore } from './postgres-store.js';
import type { DataDirLock } from './pglite-lock-file.js';

export type OpenOptions = OpenStoreOptions;

/** How long past statement_timeout the client waits for the server's own cancel. */
export const CLIENT_DEADLINE_GRACE_MS = 5_000;

/** TLS per staging.tls; a URL's sslmode is honoured and wins, the one place TLS is decided
 * (pg-connection-string 2.14 `index.js`: a URL's ssl parameters replace the `ssl` object). */
export function pgSsl(staging: Config['staging'], params: Record<string, string>): false | TlsOptions {
  const mode = params.sslmode;
  if (mode === 'disable' || (!mode && !staging.tls.enabled)) return false;
  const ssl: TlsOptions = {
    rejectUnauthorized: mode === 'no-verify' ? false : staging.tls.rejectUnauthorized,
  };
  if (staging.tls.caFile) ssl.ca = readCaFile('staging.tls.caFile', staging.tls.caFile);
  const serverName = staging.tls.serverName;
  if (serverName) {
    // Through a tunnel the host is 127.0.0.1: verify the certificate against the real name.
    ssl.servername = serverName;
    ssl.checkServerIdentity = (_host, cert) => checkServerIdentity(serverName, cert);
  }
  return ssl;
}

export async function openPostgres(
  config: Config,
  names: StoreNames,
  opts: OpenOptions,
): Promise<PostgresStore> {
  const staging = config.staging;
  const conn = connectionOptions(staging, defaultPort('postgres'), opts.endpoint);
  const target = describeTarget(conn);
  const pg = (await import('pg')).default;
  const { NodePgDriver } = await import('./pg-driver.js');
  const driver = new NodePgDriver(
    pg,
    {
      host: conn.host,
      port: conn.port,
      database: conn.database,
      user: conn.user,
      password: conn.password,
      ssl: pgSsl(staging, conn.params),
      application_name: 'sagesync',
      connectionTimeoutMillis: 15_000,
      keepAlive: true,
      // The statement deadline, on the server: it cancels the statement (57014), releases its
      // locks and keeps the connection (PostgreSQL docs, runtime-config-client, statement_timeout).
      statement_timeout: staging.statementTimeoutMs,
      // And in the client, a little later, for a server or network that answers nothing at all.
      query_timeout: staging.statementTimeoutMs + CLIENT_DEADLINE_GRACE_MS,
    },
    (err) =>
      opts.logger?.warn('an idle staging database connection failed', {
        error: scrub(err.message, conn.password),
      }),
  );
  try {
    await driver.probe();
  } catch (cause) {
    await driver.close().catch(() => undefined);
    throw unavailable(DIALECT_DEFAULTS.postgres.label, target, cause, conn.password);
  }
  const busyAware = connectionLossAware(driver, {
    ...opts.retry,
    target,
    deadlineMs: staging.statementTimeoutMs,
  });
  return new PostgresStore(observedDriver(busyAware, opts.onSql), names, target, opts.retry?.budget);
}

export async function openEmbedded(
  config: Config,
  names: StoreNames,
  opts: OpenOptions,
): Promise<PostgresStore> {
  const path = config.staging.path;
  const memory = path.startsWith('memory://');
  const { DataDirLock } = await import('./pglite-lock-file.js');
  const { embeddedDiskFull } = await import('./disk-full.js');
  let dirLock: DataDirLock | null;
  try {
    dirLock = memory ? null : DataDirLock.acquire(path);
  } catch (err) {
    throw embeddedDiskFull(err, path);
  }
  try {
    const { createPglite } = await import('./pglite-template.js');
    const { PgliteDriver, pgliteParsers } = await import('./pglite-driver.js');
    const db = await createPglite(path, { parsers: pgliteParsers });
    return new PostgresStore(
      observedDriver(new PgliteDriver(db, dirLock, memory ? undefined : path), opts.onSql),
      names,
      path,
    );
  } catch (cause) {
    dirLock?.release();
    const full = embeddedDiskFull(cause, path);
    if (full !== cause) throw full;
    throw new ServiceUnavailableError(
      'database',
      `Cannot open the embedded staging database in ${path}: ${(cause as Error).message}. Check staging.path (a writable directory).`,
      { cause },
    );
  }
}
