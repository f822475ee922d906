/**
 * Contract addition 0002 (issue 16): `sagesync_order.parent_oro_order_id` and
 * `sagesync_order_line.kit_items`. A database migrated by an earlier sagesync is refused by the jobs
 * (naming `sagesync migrate`) until `migrate` adds the columns; rows staged before keep working
 * (`kit_items` defaults to `[]`). `migrate --print` carries the same upgrade for a DBA.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SchemaVersionError } from '../../src/errors.js';
import { printDdl } from '../../src/staging/print-ddl.js';
import type { StagingStore } from '../../src/staging/store.js';
import { ORDER, ORDER_LINE } from '../../src/staging/tables.js';
import { open, randomSchema, reportBackends } from './helpers/backends.js';
import { line, order, orderWrite } from './helpers/rows.js';

const backends = reportBackends('contract-additions.test.ts').filter((b) => b.name !== 'mssql');

describe.each(backends)('contract addition 0002 on $name', (backend) => {
  const schema = randomSchema('add');
  let store: StagingStore | undefined;
  afterAll(async () => {
    await store?.close();
    await backend.dropSchema(schema);
  });

  it('an older database: refused until migrate adds the columns; its rows get kit_items []', async () => {
    store = await open(backend, schema);
    await store.migrate();
    // The database as the previous sagesync left it.
    await store.query(`ALTER TABLE ${store.tableName(ORDER)} DROP COLUMN parent_oro_order_id`);
    await store.query(`ALTER TABLE ${store.tableName(ORDER_LINE)} DROP COLUMN kit_items`);
    await store.query(
      `DELETE FROM ${store.tableName('schema_version')} WHERE migration = '0002_order_parent_and_kit_items'`,
    );
    await store.stage({ job: 'push-orders', writes: [orderWrite([order(1)], new Map([[1, [line(1, 1)]]]))] });

    await expect(store.assertSchemaCurrent()).rejects.toThrow(SchemaVersionError);
    await expect(store.assertSchemaCurrent()).rejects.toThrow(
      /lack the contract addition 0002_order_parent_and_kit_items .*Run "sagesync migrate"/,
    );

    const report = await store.migrate();
    expect(report.applied).toEqual(
      expect.arrayContaining([
        '0002_order_parent_and_kit_items',
        expect.stringMatching(/^upgrade:column:.*parent_oro_order_id$/),
        expect.stringMatching(/^upgrade:column:.*kit_items$/),
      ]),
    );
    await store.assertSchemaCurrent();
    const old = await store.query(`SELECT kit_items FROM ${store.tableName(ORDER_LINE)}`);
    expect(
      String(
        typeof old[0]?.['kit_items'] === 'string'
          ? old[0]?.['kit_items']
          : JSON.stringify(old[0]?.['kit_items']),
      ),
    ).toBe('[]');
    // New rows carry both.
    await store.stage({
      job: 'push-orders',
      writes: [
        orderWrite(
          [order(2, { parent_oro_order_id: 1 })],
          new Map([[2, [line(2, 1, { kit_items: '[{"sku":"A","quantity":2}]' })]]]),
        ),
      ],
    });
    const row = await store.query(
      `SELECT parent_oro_order_id FROM ${store.tableName(ORDER)} WHERE oro_order_id = 2`,
    );
    expect(Number(row[0]?.['parent_oro_order_id'])).toBe(1);
    expect((await store.migrate()).applied).toEqual([]);
  });
});

describe('migrate --print carries the upgrade for a DBA', () => {
  it('PostgreSQL: ADD COLUMN IF NOT EXISTS for each added column, and the 0002 row', () => {
    const ddl = printDdl('postgres', {});
    expect(ddl).toContain(
      'ALTER TABLE "public"."sagesync_order" ADD COLUMN IF NOT EXISTS "parent_oro_order_id" integer',
    );
    expect(ddl).toContain(
      `ALTER TABLE "public"."sagesync_order_line" ADD COLUMN IF NOT EXISTS "kit_items" jsonb DEFAULT '[]' NOT NULL;`,
    );
    expect(ddl).toContain(`VALUES ('0002_order_parent_and_kit_items', 1)`);
  });
  it('SQL Server: guarded by COL_LENGTH, with the default and the ISJSON check', () => {
    const ddl = printDdl('mssql', {});
    expect(ddl).toContain(`IF COL_LENGTH(N'dbo.sagesync_order_line', N'kit_items') IS NULL`);
    expect(ddl).toMatch(
      /ALTER TABLE \[dbo\]\.\[sagesync_order_line\] ADD \[kit_items\] nvarchar\(max\) NOT NULL CONSTRAINT \[sagesync_order_line_df_kit_items\] DEFAULT N'\[\]'/,
    );
    expect(ddl).toContain(`IF COL_LENGTH(N'dbo.sagesync_order', N'parent_oro_order_id') IS NULL`);
    expect(ddl).toContain(`'0002_order_parent_and_kit_items'`);
  });
});
