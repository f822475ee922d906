/**
 * `migrate` and the tables of custom streams on PGlite: created with the bookkeeping columns,
 * a new column added, a longer string widened, and an incompatible type change refused with a
 * message naming the column (ConfigError, exit 78), never altered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { streamTables } from '../../src/streams/tables.js';
import { PRODUCTS_STREAM } from './helpers.js';

const withColumns = (columns: Record<string, unknown>): Config =>
  configSchema.parse({
    oro: { url: 'https://oro.example.com', clientId: 'a', clientSecret: 'b' },
    staging: { dialect: 'embedded', path: 'memory://', schema: 'streams_mig' },
    streams: [{ ...PRODUCTS_STREAM, columns: { ...PRODUCTS_STREAM.columns, ...columns } }],
  });

describe('migrate with stream tables (PGlite)', () => {
  let store: StagingStore;
  beforeAll(async () => {
    store = await openStore(withColumns({}));
  });
  afterAll(async () => store?.close());

  const columns = async () =>
    store.query(
      `SELECT column_name, data_type, character_maximum_length AS len FROM information_schema.columns
        WHERE table_schema = 'streams_mig' AND table_name = 'sagesync_product' ORDER BY ordinal_position`,
    );

  it('creates the table with the bookkeeping columns and the unique key', async () => {
    const report = await store.migrate(streamTables(withColumns({})));
    expect(report.applied).toContain('table:sagesync_product');
    const names = (await columns()).map((c) => c.column_name);
    expect(names).toEqual([
      'staging_id',
      ...Object.keys(PRODUCTS_STREAM.columns),
      'payload_hash',
      'status',
      'erp_message',
      'staged_at',
      'processed_at',
    ]);
    const uq = await store.query(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'streams_mig' AND tablename = 'sagesync_product'`,
    );
    expect(uq.map((r) => String(r.indexdef)).join('\n')).toMatch(/UNIQUE.*\(sku, payload_hash\)/);
  });

  it('adds a column, widens a string, and refuses an incompatible change', async () => {
    const more = withColumns({
      sku: { source: 'sku', type: 'string(400)' },
      ean: { source: 'ean', type: 'string(13)' },
    });
    const report = await store.migrate(streamTables(more));
    expect(report.applied).toEqual(
      expect.arrayContaining(['column:sagesync_product.ean', 'widen:sagesync_product.sku']),
    );
    expect((await columns()).find((c) => c.column_name === 'sku')?.len).toBe(400);

    const incompatible = withColumns({
      sku: { source: 'sku', type: 'string(400)' },
      ean: { source: 'ean', type: 'string(13)' },
      unit_precision: { source: 'x', type: 'string(10)' },
    });
    const err = await store.migrate(streamTables(incompatible)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toMatch(
      /sagesync_product\.unit_precision exists as int.*varchar\(10\).*will not change it/s,
    );
    expect((await columns()).find((c) => c.column_name === 'unit_precision')?.data_type).toBe('integer');
  });
});
