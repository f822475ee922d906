/**
 * The staging backends a test run can reach (STYLE.md "One contract suite, looped over every
 * backend available"): PGlite always; PostgreSQL when SAGESYNC_TEST_PG_URL is set; SQL Server
 * when SAGESYNC_TEST_MSSQL_URL is set (format: mssql://user:pass@host:1433/db?trustServerCertificate=true).
 * Each test file gets its own random schema and drops it at the end.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../../src/config/schema.js';
import { openStore } from '../../../src/staging/open-store.js';
import type { StagingStore } from '../../../src/staging/store.js';

export interface Backend {
  name: 'embedded' | 'postgres' | 'mssql';
  available: boolean;
  reason: string;
  /** A config for a fresh schema (embedded: a fresh in-memory database unless `path` is given). */
  config(schema: string, path?: string): Config;
  /** Drops the schema (server backends). */
  dropSchema(schema: string): Promise<void>;
  /** `$n` or `@pn` */
  p(n: number): string;
}

export function randomSchema(tag: string): string {
  return `sgs_${tag}_${randomBytes(4).toString('hex')}`;
}

function baseConfig(staging: Record<string, unknown>): Config {
  return {
    staging: {
      tablePrefix: 'sagesync_',
      path: 'memory://',
      statementTimeoutMs: 60_000,
      tls: { enabled: false, rejectUnauthorized: true },
      ...staging,
    },
  } as unknown as Config;
}

const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
const mssqlUrl = process.env.SAGESYNC_TEST_MSSQL_URL;

export const BACKENDS: Backend[] = [
  {
    name: 'embedded',
    available: true,
    reason: 'PGlite runs in-process',
    config: (schema, path) => baseConfig({ dialect: 'embedded', schema, path: path ?? 'memory://' }),
    dropSchema: async () => undefined,
    p: (n) => `$${n}`,
  },
  {
    name: 'postgres',
    available: Boolean(pgUrl),
    reason: pgUrl ? 'SAGESYNC_TEST_PG_URL is set' : 'SAGESYNC_TEST_PG_URL is not set',
    config: (schema) => baseConfig({ dialect: 'postgres', schema, url: pgUrl }),
    dropSchema: async (schema) => {
      const store = await openStore(baseConfig({ dialect: 'postgres', schema, url: pgUrl }));
      try {
        await store.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await store.close();
      }
    },
    p: (n) => `$${n}`,
  },
  {
    name: 'mssql',
    available: Boolean(mssqlUrl),
    reason: mssqlUrl ? 'SAGESYNC_TEST_MSSQL_URL is set' : 'SAGESYNC_TEST_MSSQL_URL is not set',
    config: (schema) =>
      baseConfig({
        dialect: 'mssql',
        schema,
        url: mssqlUrl,
        tls: { enabled: true, rejectUnauthorized: true },
      }),
    dropSchema: async (schema) => {
      const store = await openStore(
        baseConfig({
          dialect: 'mssql',
          schema,
          url: mssqlUrl,
          tls: { enabled: true, rejectUnauthorized: true },
        }),
      );
      try {
        await store.query(
          `DECLARE @s nvarchar(max) = N'';
           SELECT @s += N'ALTER TABLE ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N' DROP CONSTRAINT ' + QUOTENAME(f.name) + N'; '
             FROM sys.foreign_keys f JOIN sys.tables t ON t.object_id = f.parent_object_id JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE s.name = @p1;
           SELECT @s += N'DROP TABLE ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N'; '
             FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE s.name = @p1;
           EXEC sp_executesql @s;
           IF SCHEMA_ID(@p1) IS NOT NULL EXEC (N'DROP SCHEMA ' + QUOTENAME(@p1));`,
          [schema],
        );
      } finally {
        await store.close();
      }
    },
    p: (n) => `@p${n}`,
  },
];

export function reportBackends(file: string): Backend[] {
  const ran = BACKENDS.filter((b) => b.available);
  const skipped = BACKENDS.filter((b) => !b.available);
  console.warn(
    `[${file}] staging backends run: ${ran.map((b) => `${b.name} (${b.reason})`).join(', ')}` +
      (skipped.length ? `; skipped: ${skipped.map((b) => `${b.name} (${b.reason})`).join(', ')}` : ''),
  );
  return ran;
}

export async function open(backend: Backend, schema: string, path?: string): Promise<StagingStore> {
  return openStore(backend.config(schema, path));
}
