/**
 * Where the staging database is: `staging.url` first, then the explicit keys, then the tunnel's
 * local endpoint (an SSH tunnel forwards 127.0.0.1:<port> to the server). Written once here for
 * both drivers. URLs are parsed here rather than handed to the driver because pg lets a
 * connection string override explicit options (docs/staging.md) and mssql has no URL form.
 */
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  database: string | undefined;
  user: string | undefined;
  password: string | undefined;
  /** Query parameters of the URL (sslmode, trustServerCertificate, …). */
  params: Record<string, string>;
}

export function connectionOptions(
  staging: Config['staging'],
  defaultPort: number,
  endpoint?: { host: string; port: number },
): ConnectionOptions {
  const out: ConnectionOptions = {
    host: 'localhost',
    port: defaultPort,
    database: undefined,
    user: undefined,
    password: undefined,
    params: {},
  };
  if (staging.url) {
    let url: URL;
    try {
      url = new URL(staging.url);
    } catch (cause) {
      throw new ConfigError(
        [
          {
            path: 'staging.url',
            source: 'configuration',
            message: 'expected a URL such as postgres://user@host:5432/db or mssql://user@host:1433/db',
          },
        ],
        { cause },
      );
    }
    if (url.hostname) out.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (url.port) out.port = Number(url.port);
    const db = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (db) out.database = db;
    if (url.username) out.user = decodeURIComponent(url.username);
    if (url.password) out.password = decodeURIComponent(url.password);
    for (const [k, v] of url.searchParams) out.params[k] = v;
  }
  if (staging.host) out.host = staging.host;
  if (staging.port) out.port = staging.port;
  if (staging.database) out.database = staging.database;
  if (staging.user) out.user = staging.user;
  if (staging.password !== undefined) out.password = staging.password;
  if (endpoint) {
    out.host = endpoint.host;
    out.port = endpoint.port;
  }
  return out;
}

/** host:port/db for messages; never the user's password. */
export function describeTarget(o: ConnectionOptions): string {
  return `${o.host}:${o.port}/${o.database ?? '(default database)'}`;
}

/** Removes the password from a driver message, in case a driver ever echoes it. */
export function scrub(message: string, password: string | undefined): string {
  if (!password) return message;
  return message.split(password).join('***');
}
