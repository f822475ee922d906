/**
 * Custom streams configured only in a configuration file, through the built CLI: migrate, a
 * products push stream (run, change some products in the sandbox, run again: exactly the changed
 * rows are staged again), a pull stream onto customer users (attributes set in Oro, rows DONE or
 * ERROR), run-all running the streams after the built-in jobs. PGlite always, PostgreSQL when
 * SAGESYNC_TEST_PG_URL is set.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import {
  baseConfig,
  cli,
  CLIENT,
  PRODUCTS_STREAM,
  RATINGS_STREAM,
  stagingFor,
  writeConfig,
} from './helpers.js';

const backends = BACKENDS.filter((b) => b.name !== 'mssql');
for (const b of backends) if (!b.available) console.warn(`streams.test.ts: skipping ${b.name}: ${b.reason}`);

// Each step spawns the built CLI (a fresh process opening the database): generous timeouts.
describe.each(backends.filter((b) => b.available))(
  'custom streams from a config file ($name)',
  { timeout: 300_000 },
  (backend) => {
    let sandbox: Sandbox;
    let dir = '';
    let file = '';
    const schema = randomSchema('streams');

    /** Opens the staging store of the config file (embedded: only while no CLI runs). */
    async function withStore<T>(fn: (s: StagingStore) => Promise<T>): Promise<T> {
      const store = await openStore(await loadConfig({ configPath: file, cwd: dir, env: {} }));
      try {
        return await fn(store);
      } finally {
        await store.close();
      }
    }
    const products = (s: StagingStore) =>
      s.query(`SELECT * FROM ${s.tableName('product')} ORDER BY staging_id`) as Promise<
        Record<string, unknown>[]
      >;
    const run = async (...args: string[]) => {
      const r = await cli(['--json', '--config', file, ...args], dir);
      const out = r.stdout.startsWith('{') ? (JSON.parse(r.stdout) as { result?: unknown }) : null;
      return { ...r, result: out?.result, summary: (out?.result as RunSummary | undefined) ?? null };
    };

    beforeAll(async () => {
      sandbox = await startSandbox({
        clients: [CLIENT],
        seed: { orders: 0, customers: 4, products: 40, seed: 8 },
        customResourceFields: { customerusers: { erp_rating: 'decimal', erp_rated_on: 'string' } },
      });
      // The embedded data directory (relative) lives next to the file.
      ({ dir, file } = writeConfig(
        baseConfig(sandbox.url, stagingFor(backend, schema), [PRODUCTS_STREAM, RATINGS_STREAM]),
      ));
    });
    afterAll(async () => {
      await sandbox?.close();
      await backend.dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    });

    it('migrate creates the stream tables, and is idempotent', async () => {
      const first = await run('migrate');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('table:sagesync_product');
      expect(first.stdout).toContain('table:sagesync_contact_rating');
      const again = await run('migrate');
      expect(again.code, again.stderr).toBe(0);
      expect((again.result as { alreadyCurrent: boolean }).alreadyCurrent).toBe(true);
    });

    it('stages every enabled product once, then exactly the changed ones', async () => {
      const all = sandbox.all('products');
      const enabled = all.filter((p) => p.attributes.status === 'enabled');
      expect(enabled.length).toBeGreaterThan(20);
      const first = await run('run-stream', 'products');
      expect(first.code, first.stderr).toBe(0);
      expect(first.summary?.jobs[0]).toMatchObject({ job: 'stream:products', outcome: 'ok' });
      expect(first.summary?.jobs[0]?.counts.written).toBe(enabled.length);
      const rows1 = await withStore(products);
      expect(rows1.map((r) => r.sku).sort()).toEqual(enabled.map((p) => p.attributes.sku).sort());
      const sample = enabled[0]!;
      const unitPrecision = sandbox.resource(
        'productunitprecisions',
        (sample.relationships.primaryUnitPrecision as { id: string }).id,
      )!;
      expect(rows1.find((r) => r.sku === sample.attributes.sku)).toMatchObject({
        oro_product_id: Number(sample.id),
        featured: sample.attributes.featured,
        inventory_status: (sample.relationships.inventory_status as { id: string }).id,
        unit_code: (unitPrecision.relationships.unit as { id: string }).id,
        unit_precision: unitPrecision.attributes.precision,
        status: 'NEW',
      });
      expect(String(rows1[0]?.payload_hash)).toMatch(/^[0-9a-f]{64}$/);

      // Nothing changed: a second run stages nothing.
      const idle = await run('run-stream', 'products');
      expect(idle.summary?.jobs[0]?.counts.written).toBe(0);

      // Changes: 3 mapped values, 2 touched without a mapped change, 1 disabled, 1 new product.
      const [a, b, c, d, e, f] = enabled;
      for (const p of [a!, b!])
        sandbox.updateResource('products', p.id, { attributes: { featured: !p.attributes.featured } });
      sandbox.relate('products', c!.id, 'inventory_status', {
        type: 'prodinventorystatuses',
        id: 'discontinued',
      });
      sandbox.updateResource('products', c!.id, {});
      sandbox.updateResource('products', d!.id, { attributes: { newArrival: true } });
      sandbox.updateResource('products', e!.id, {});
      sandbox.updateResource('products', f!.id, { attributes: { status: 'disabled' } });
      const added = sandbox.addProduct({ sku: 'NEW-1', status: 'enabled', unit: 'kg', precision: 3 });

      const second = await run('run-stream', 'products');
      expect(second.code, second.stderr).toBe(0);
      const rows2 = await withStore(products);
      const fresh = rows2
        .slice(rows1.length)
        .map((r) => String(r.sku))
        .sort();
      expect(fresh).toEqual(
        [a, b, c]
          .map((p) => String(p!.attributes.sku))
          .concat('NEW-1')
          .sort(),
      );
      expect(rows2.find((r) => r.sku === 'NEW-1')).toMatchObject({ unit_code: 'kg', unit_precision: 3 });
      expect(
        rows2.find((r) => r.sku === c!.attributes.sku && r.inventory_status === 'discontinued'),
      ).toBeTruthy();
      expect(added).toBeTruthy();
      // Each (sku, payload_hash) once.
      const pairs = new Set(rows2.map((r) => `${String(r.sku)}|${String(r.payload_hash)}`));
      expect(pairs.size).toBe(rows2.length);

      // --dry-run plans without writing; --id restages nothing that is already staged.
      const dry = await run('run-stream', 'products', '--dry-run', '--id', a!.id);
      expect(dry.summary?.jobs[0]?.plan).toHaveLength(1);
      expect((await withStore(products)).length).toBe(rows2.length);
    });

    it('a pull stream sets the Oro attributes and marks rows DONE or ERROR', async () => {
      const users = sandbox.all('customerusers');
      sandbox.updateResource('customerusers', users[0]!.id, { attributes: { externalId: 'X3-CONTACT-1' } });
      sandbox.updateResource('customerusers', users[1]!.id, { attributes: { externalId: 'X3-CONTACT-2' } });
      const ids = await withStore(async (s) => {
        const t = s.tableName('contact_rating');
        const p = (n: number) => backend.p(n);
        const insert = async (code: string | null, rating: string | null, on: string | null) =>
          String(
            (
              await s.query(
                `INSERT INTO ${t} (erp_contact_code, rating, rated_on) VALUES (${p(1)}, ${p(2)}, ${p(3)}) RETURNING staging_id`,
                [code, rating, on],
              )
            )[0]?.staging_id,
          );
        return [
          await insert('X3-CONTACT-1', '4.50', '2026-03-01'),
          await insert('X3-UNKNOWN', '1.00', null),
          await insert('X3-CONTACT-2', '3.25', null),
        ];
      });
      const r = await run('run-stream', 'contact-ratings');
      expect(r.code, r.stderr).toBe(1); // one row ERROR: records failed
      expect(r.summary?.jobs[0]).toMatchObject({ job: 'stream:contact-ratings', outcome: 'records-failed' });
      const rows = await withStore(
        (s) =>
          s.query(`SELECT * FROM ${s.tableName('contact_rating')} ORDER BY staging_id`) as Promise<
            Record<string, unknown>[]
          >,
      );
      expect(rows.map((x) => x.status)).toEqual(['DONE', 'ERROR', 'DONE']);
      expect(String(rows[1]?.sync_message)).toContain('X3-UNKNOWN');
      expect(rows.every((x) => x.processed_at !== null)).toBe(true);
      expect(sandbox.resource('customerusers', users[0]!.id)?.attributes).toMatchObject({
        erp_rating: '4.5',
        erp_rated_on: '2026-03-01',
      });
      expect(sandbox.resource('customerusers', users[1]!.id)?.attributes).toMatchObject({
        erp_rating: '3.25',
      });
      const patches = sandbox.requests.filter(
        (q) => q.method === 'PATCH' && q.path.includes('/customerusers/'),
      );
      expect(patches).toHaveLength(2);
      expect(ids).toHaveLength(3);
      // Nothing NEW is left: a second run applies nothing again.
      const again = await run('run-stream', 'contact-ratings');
      expect(again.summary?.jobs[0]?.counts.read).toBe(0);
    });

    it('run-all runs the streams after the built-in jobs; status shows their runs and cursor', async () => {
      const r = await run('run-all');
      expect(r.summary?.jobs.map((j) => j.job)).toEqual([
        'push-orders',
        'push-customers',
        'pull-credit',
        'pull-tracking',
        'stream:products',
        'stream:contact-ratings',
      ]);
      const s = await run('status');
      expect(s.code, s.stderr).toBe(0);
      const status = s.result as {
        lastRuns: { job: string }[];
        cursors: { job: string }[];
        backlog: { table: string; status: string; count: number }[];
      };
      // The stream tables' rows per status are in the backlog, beside the contract tables'.
      const tables = status.backlog.map((b) => b.table);
      expect(tables.some((t) => t.endsWith('_product'))).toBe(true);
      expect(tables.some((t) => t.endsWith('contact_rating'))).toBe(true);
      expect(status.lastRuns.map((x) => x.job)).toEqual(
        expect.arrayContaining(['stream:products', 'stream:contact-ratings']),
      );
      expect(status.cursors.map((x) => x.job)).toContain('stream:products');
    });

    it('an unknown stream name is a usage error (64)', async () => {
      const r = await run('run-stream', 'nope');
      expect(r.code).toBe(64);
      expect(r.stderr + r.stdout).toContain('products, contact-ratings');
    });
  },
);
