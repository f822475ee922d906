/**
 * Regressions (issue 17, defects 2, 5, 8, 10, 11 and the "clear message" doubts): what `migrate`
 * does with an existing table that differs from the definition. SQL Server through the fake
 * driver and a scripted catalog (no SQL Server here); PostgreSQL and PGlite for real.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { ConfigError, ServiceUnavailableError } from '../../src/errors.js';
import { exitCodeForError } from '../../src/cli/exit.js';
import { openStore } from '../../src/staging/open-store.js';
import { CONTRACT_TABLES } from '../../src/staging/tables.js';
import { streamTables } from '../../src/streams/tables.js';
import { catalogServer, type CatalogTweak } from '../staging/helpers/fake-catalog.js';
import { sqlError } from '../staging/helpers/fake-mssql.js';
import { fakeStore } from '../staging/helpers/fake-store.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { PRODUCTS_STREAM } from '../streams/helpers.js';

const names = { schema: 'dbo', prefix: 'sagesync_' };
const config = (columns: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Config =>
  configSchema.parse({
    oro: { url: 'https://oro.example.com', clientId: 'a', clientSecret: 'b' },
    staging: { dialect: 'embedded', path: 'memory://' },
    streams: [{ ...PRODUCTS_STREAM, ...extra, columns: { ...PRODUCTS_STREAM.columns, ...columns } }],
  });

async function mssqlMigrate(cfg: Config, tweak: CatalogTweak) {
  const tables = streamTables(cfg);
  const { store, pool } = fakeStore(
    catalogServer(names, [...CONTRACT_TABLES, ...tables], { product: tweak }),
  );
  const result = await store.migrate(tables).catch((e: unknown) => e);
  return {
    result,
    ddl: pool.calls
      .filter((c) => /^(ALTER|CREATE)|^IF NOT EXISTS \(SELECT 1 FROM sys\.indexes/.test(c.text))
      .map((c) => c.text),
  };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

describe('migrate on SQL Server against an existing stream table (fake driver)', () => {
  it('is current when the table matches, and issues no DDL', async () => {
    const { result, ddl } = await mssqlMigrate(config(), {});
    expect(result).toMatchObject({ alreadyCurrent: true });
    expect(ddl).toEqual([]);
  });

  it('refuses a varchar column where the contract wants nvarchar (Unicode would become "?")', async () => {
    const { result, ddl } = await mssqlMigrate(config(), { columns: { inventory_status: 'varchar(50)' } });
    expect(result).toBeInstanceOf(ConfigError);
    expect(message(result)).toMatch(
      /sagesync_product\.inventory_status exists as varchar\(50\), which cannot hold Unicode.*ALTER COLUMN inventory_status nvarchar\(50\)/,
    );
    expect(exitCodeForError(result)).toBe(78);
    expect(ddl).toEqual([]);
  });

  it('refuses a string column configured shorter than the table has', async () => {
    const { result } = await mssqlMigrate(config(), { columns: { unit_code: 'nvarchar(80)' } });
    expect(message(result)).toMatch(
      /unit_code exists as nvarchar\(80\) but the configuration asks for nvarchar\(50\); sagesync does not shorten/,
    );
  });

  it('refuses a new required column on a table with rows (Msg 4901), adds it to an empty one', async () => {
    const cfg = config({ gtin: { source: 'gtin', type: 'string(14)', required: true } });
    const full = await mssqlMigrate(cfg, { dropColumns: ['gtin'], hasRows: true });
    expect(message(full.result)).toMatch(/sagesync_product\.gtin is new and required.*already has rows/);
    expect(full.ddl).toEqual([]);
    const empty = await mssqlMigrate(cfg, { dropColumns: ['gtin'], hasRows: false });
    expect(empty.ddl).toEqual(['ALTER TABLE [dbo].[sagesync_product] ADD [gtin] nvarchar(14) NOT NULL;']);
  });

  it('does not try to widen a key column that its UNIQUE index uses (Msg 5074): it says what to do', async () => {
    const { result, ddl } = await mssqlMigrate(config({ sku: { source: 'sku', type: 'string(400)' } }), {
      columns: { sku: 'nvarchar(255)' },
    });
    expect(message(result)).toMatch(
      /sagesync_product\.sku must be widened to nvarchar\(400\), but the index sagesync_product_uq_sku_payload_hash uses it/,
    );
    expect(ddl).toEqual([]);
  });

  it('names a UNIQUE key missing from an existing table, with the DDL to add it', async () => {
    const { result } = await mssqlMigrate(config(), {
      dropIndexes: ['sagesync_product_uq_sku_payload_hash'],
    });
    expect(message(result)).toContain(
      'ALTER TABLE [dbo].[sagesync_product] ADD CONSTRAINT [sagesync_product_uq_sku_payload_hash] UNIQUE ([sku], [payload_hash]);',
    );
  });

  it('replaces the object-only JSON CHECK of a stream table by one that admits scalars', async () => {
    const cfg = config({ unit_ref: { source: 'primaryUnitPrecision.unit', type: 'json' } });
    const { result, ddl } = await mssqlMigrate(cfg, { checks: ['sagesync_product_ck_unit_ref'] });
    expect(result).toMatchObject({ applied: ['check:sagesync_product_ckv_unit_ref'] });
    expect(ddl).toEqual([
      'ALTER TABLE [dbo].[sagesync_product] DROP CONSTRAINT [sagesync_product_ck_unit_ref];\n' +
        "ALTER TABLE [dbo].[sagesync_product] ADD CONSTRAINT [sagesync_product_ckv_unit_ref] CHECK (ISJSON(N'[' + [unit_ref] + N']') = 1);",
    ]);
  });

  it('ends the wait for another migrate before the request timeout, with a clear message (exit 69)', async () => {
    const { store } = fakeStore((call) => {
      if (call.text.includes("@LockOwner = N'Transaction'"))
        throw sqlError(50002, 'sagesync: the migration lock was not granted');
      return {};
    });
    const err = await store.migrate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(message(err)).toMatch(
      /Another "sagesync migrate" held the migration lock of schema \[dbo\] for 20 s/,
    );
  });
});

const pgBackends = BACKENDS.filter((b) => b.name !== 'mssql' && b.available);
describe.each(pgBackends.map((b) => [b.name, b] as const))(
  'migrate on %s against an existing stream table',
  (_n, backend) => {
    const schema = randomSchema('migchk');
    const open = (columns: Record<string, unknown> = {}) => {
      const base = backend.config(schema);
      return { ...config(columns), staging: base.staging } as Config;
    };
    afterAll(() => backend.dropSchema(schema));

    it('refuses a shorter string, a new required column on a table with rows, a missing UNIQUE key', async () => {
      const store = await openStore(open());
      try {
        await store.migrate(streamTables(open()));
        const shorter = open({ unit_code: { source: 'x', type: 'string(20)' } });
        expect(message(await store.migrate(streamTables(shorter)).catch((e: unknown) => e))).toMatch(
          /unit_code exists as nvarchar\(50\) but the configuration asks for varchar\(20\); sagesync does not shorten/,
        );
        await store.query(
          `INSERT INTO ${store.tableName('product')} (oro_product_id, sku, payload_hash) VALUES (1, 'A', '${'0'.repeat(64)}')`,
        );
        const required = open({ gtin: { source: 'gtin', type: 'string(14)', required: true } });
        const err = await store.migrate(streamTables(required)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConfigError);
        expect(message(err)).toMatch(/gtin is new and required.*already has rows/);
        await store.query(
          `ALTER TABLE ${store.tableName('product')} DROP CONSTRAINT sagesync_product_uq_sku_payload_hash`,
        );
        expect(message(await store.migrate(streamTables(open())).catch((e: unknown) => e))).toMatch(
          /exists without the constraint sagesync_product_uq_sku_payload_hash/,
        );
      } finally {
        await store.close();
      }
    });
  },
);
