/**
 * Opening the SQL Server dialect. `mssql` is imported here only, lazily. Encryption is on and
 * certificates are verified unless the configuration turns them off explicitly (docs/staging.md);
 * through a tunnel the certificate is checked against `staging.tls.serverName`
 * (tedious 19.2.2 `src/connection.ts`: `serverName` is the TLS servername).
 */
import type mssql from 'mssql';
import { readCaFile } from '../../config/ca-file.js';
import type { Config } from '../../config/schema.js';
import { connectionOptions, describeTarget, type ConnectionOptions } from '../connection-options.js';
import { defaultPort, DIALECT_DEFAULTS } from '../dialects.js';
import type { StoreNames } from '../names.js';
import type { OpenStoreOptions as OpenOptions } from '../open-store.js';
import { unavailable } from '../unavailable.js';
import type { StagingStore } from '../store.js';
import { MssqlDriver } from './mssql-driver.js';
import { SessionWatch } from './mssql-lock.js';
import { MssqlStore } from './mssql-store.js';

const truthy = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : /^(true|yes|1)$/i.test(v);

export function mssqlConfig(staging: Config['staging'], conn: ConnectionOptions): mssql.config {
  const encryptParam = conn.params.encrypt;
  const encrypt: boolean | 'strict' =
    encryptParam === 'strict' ? 'strict' : (truthy(encryptParam) ?? staging.tls.enabled);
  const trust = truthy(conn.params.trustServerCertificate) ?? !staging.tls.rejectUnauthorized;
  const options: mssql.IOptions & Record<string, unknown> = {
    encrypt: encrypt,
    trustServerCertificate: trust,
    appName: 'sagesync',
    useUTC: true,
    enableArithAbort: true,
  };
  if (staging.tls.serverName) options.serverName = staging.tls.serverName;
  if (staging.tls.caFile) {
    options.cryptoCredentialsDetails = { ca: readCaFile('staging.tls.caFile', staging.tls.caFile) };
  }
  return {
    server: conn.host,
    port: conn.port,
    database: conn.database,
    user: conn.user,
    password: conn.password,
    connectionTimeout: 15_000,
    // The statement deadline (tedious cancels the request, then the retry of ../retry.ts).
    requestTimeout: staging.statementTimeoutMs,
    // One pinned session for the whole run: never closed for idleness, never swapped by
    // validation, as tarn's defaults would (mssql 12.6 `lib/base/connection-pool.js`); a swapped
    // session silently lacks our app locks.
    pool: { min: 1, max: 1, idleTimeoutMillis: 2_147_483_647 },
    validateConnection: false,
    options,
  };
}

export async function openMssql(config: Config, names: StoreNames, opts: OpenOptions): Promise<StagingStore> {
  const conn = connectionOptions(config.staging, defaultPort('mssql'), opts.endpoint);
  const target = describeTarget(conn);
  const sql = (await import('mssql')).default;
  const watch = new SessionWatch();
  const pool = new sql.ConnectionPool({ ...mssqlConfig(config.staging, conn), beforeConnect: watch.attach });
  pool.on('error', (err: Error) =>
    opts.logger?.warn('the staging database connection failed', { error: err.message }),
  );
  try {
    await pool.connect();
  } catch (cause) {
    await pool.close().catch(() => undefined);
    throw unavailable(DIALECT_DEFAULTS.mssql.label, target, cause, conn.password);
  }
  const driver = new MssqlDriver(sql, pool, opts.onSql, {
    ...opts.retry,
    watch,
    where: target,
    deadlineMs: config.staging.statementTimeoutMs,
  });
  return new MssqlStore(driver, names, target, opts.retry?.budget);
}
