/**
 * What differs per database before any SQL is sent, in one place: the port a server listens on
 * when `staging.port` is not set (SQL Server 1433, PostgreSQL 5432: the servers' defaults), the
 * schema of the staging tables when `staging.schema` is not set (docs/contract/staging-tables.md
 * "Conventions"), and the name used in messages.
 */
import type { Dialect } from './store.js';

export interface DialectDefaults {
  port: number;
  schema: string;
  label: string;
}

export const DIALECT_DEFAULTS: Readonly<Record<Dialect, Readonly<DialectDefaults>>> = Object.freeze({
  mssql: Object.freeze({ port: 1433, schema: 'dbo', label: 'SQL Server' }),
  postgres: Object.freeze({ port: 5432, schema: 'public', label: 'PostgreSQL' }),
  // PGlite is PostgreSQL in-process: no port, PostgreSQL's schema.
  embedded: Object.freeze({ port: 5432, schema: 'public', label: 'PostgreSQL' }),
});

export function defaultPort(dialect: Dialect): number {
  return DIALECT_DEFAULTS[dialect].port;
}

export function defaultSchema(dialect: Dialect): string {
  return DIALECT_DEFAULTS[dialect].schema;
}
