/**
 * Invalid stream definitions are rejected at load, through the built CLI, with exit 78 and the
 * key path of each problem: an unknown source path form, a bad SQL type, a duplicate table, a
 * name clash with a contract table, a key column that is not a column. All in one message.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, PRODUCTS_STREAM, RATINGS_STREAM, writeConfig } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function load(streams: unknown[], command: string[] = ['migrate']) {
  const { dir, file } = writeConfig({
    oro: { url: 'https://oro.example.com', clientId: 'id', clientSecret: 'secret' },
    staging: { dialect: 'embedded', path: 'staging' },
    streams,
  });
  dirs.push(dir);
  return cli(['--config', file, ...command], dir);
}

const push = (over: Record<string, unknown>) => ({ ...PRODUCTS_STREAM, ...over });
const cols = (extra: Record<string, unknown>) => ({ ...PRODUCTS_STREAM.columns, ...extra });

describe('invalid stream definitions (exit 78, key path named)', { timeout: 120_000 }, () => {
  it.each([
    [
      'an unknown source path form',
      [push({ columns: cols({ name: { source: 'names[0].string', type: 'string(255)' } }) })],
      'streams[0].columns.name.source',
    ],
    [
      'a path through a relationship that is not included',
      [push({ columns: cols({ unit_code: { source: 'unitPrecision.unit', type: 'string(50)' } }) })],
      'streams[0].columns.unit_code.source',
    ],
    [
      'a bad SQL type',
      [push({ columns: cols({ sku: { source: 'sku', type: 'varchar' } }) })],
      'streams[0].columns.sku.type',
    ],
    ['a duplicate table', [PRODUCTS_STREAM, push({ name: 'products-2' })], 'streams[1].table'],
    ['a clash with a contract table', [push({ table: 'order_line' })], 'streams[0].table'],
    ['a key column that is not a column', [push({ key: ['ean'] })], 'streams[0].key[0]'],
    // SQL Server cannot index string(max) (Msg 1919) nor a key past 1,700 bytes (Msg 1946).
    [
      'a string(max) key column',
      [push({ columns: cols({ sku: { source: 'sku', type: 'string(max)' } }) })],
      'streams[0].key[0]',
    ],
    [
      'a key past the 1,700-byte index limit',
      [push({ columns: cols({ sku: { source: 'sku', type: 'string(900)' } }) })],
      'streams[0].key (',
    ],
    [
      'a pull stream setting from a column that does not exist',
      [{ ...RATINGS_STREAM, set: { erp_rating: 'score' } }],
      'streams[0].set.erp_rating',
    ],
  ])('%s', async (_what, streams, path) => {
    const r = await load(streams);
    expect(r.code, r.stderr).toBe(78);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toContain('sagesync.yaml');
  });

  it('reports every problem at once, also from migrate --print', async () => {
    const r = await load(
      [
        push({ table: 'order', key: ['ean'], columns: cols({ sku: { source: 'sku', type: 'text' } }) }),
        { ...RATINGS_STREAM, table: 'order' },
      ],
      ['migrate', '--print'],
    );
    expect(r.code).toBe(78);
    for (const p of [
      'streams[0].table',
      'streams[0].key[0]',
      'streams[0].columns.sku.type',
      'streams[1].table',
    ])
      expect(r.stderr).toContain(p);
  });
});
