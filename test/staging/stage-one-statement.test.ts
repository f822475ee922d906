/**
 * On PostgreSQL (and PGlite) a stage() batch whose writes go to distinct tables is ONE statement
 * (src/staging/postgres/postgres-stage-one.ts): customer snapshot, order headers, their lines,
 * cursor and resolved quarantine entries in one round trip. Checked through communication logging
 * (what was sent) and the tables (what was written, including a re-sent batch skipping
 * everything and lines of skipped parents left alone); a batch with two writes to one table
 * still goes through the multi-statement transaction. The store contract suite covers the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { CommunicationEvent } from '../../src/log/types.js';
import { openStore } from '../../src/staging/open-store.js';
import type { Row, StageBatch, StagingStore } from '../../src/staging/store.js';
import { CUSTOMER } from '../../src/staging/tables.js';
import { line, order, orderWrite } from './helpers/rows.js';

const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
if (!pgUrl)
  console.warn('stage-one-statement: SAGESYNC_TEST_PG_URL is not set, running on the embedded database only');
const schema = `sgs_one_${process.pid}_${Date.now().toString(36)}`;
const cfg = (): Config =>
  ({
    staging: {
      tablePrefix: 'sagesync_',
      path: 'memory://',
      tls: { enabled: false, rejectUnauthorized: true },
      ...(pgUrl ? { dialect: 'postgres', url: pgUrl, schema } : { dialect: 'embedded', schema: 'public' }),
    },
  }) as unknown as Config;

const events: CommunicationEvent[] = [];
let store: StagingStore;
beforeAll(async () => {
  store = await openStore(cfg(), { onSql: (e) => events.push(e) });
  await store.migrate();
}, 180_000);
afterAll(async () => {
  if (pgUrl) await store.query(`DROP SCHEMA "${schema}" CASCADE`);
  await store.close();
});

const customer = (id: number, hash: string): Row => ({
  oro_customer_id: id,
  name: `Customer ${id} "quoted" ü`,
  reason: 'order',
  payload_hash: hash.padEnd(64, '0'),
  custom_attributes: '{}',
});
function batch(ids: number[], cursor: string): StageBatch {
  return {
    job: 'push-orders',
    cursor,
    resolved: [{ entity: 'order', entityId: String(ids[0]) }],
    writes: [
      { table: CUSTOMER, rows: [customer(7, 'a')], conflictColumns: ['oro_customer_id', 'payload_hash'] },
      // A line listed twice is written once (the first wins, as ON CONFLICT DO NOTHING would).
      orderWrite(
        ids.map((id) => order(id)),
        new Map(ids.map((id) => [id, [line(id, 1), line(id, 2), line(id, 1)]])),
      ),
    ],
  };
}

const sent = (from: number): string[] =>
  events.slice(from).flatMap((e) => (e.kind === 'sql' ? [e.statement] : []));

describe('stage() as one statement', () => {
  it('writes customer, orders, lines, cursor and resolved quarantine in one statement', async () => {
    await store.quarantine([{ job: 'push-orders', entity: 'order', entityId: '1', error: 'x' }], new Date());
    const from = events.length;
    const result = await store.stage(batch([1, 2, 3], '2026-01-01T00:00:00Z'));
    expect(sent(from)).toHaveLength(1);
    expect(sent(from)[0]).toMatch(/^WITH /);
    expect(result.writes.map((w) => [w.inserted, w.skipped, w.childrenInserted])).toEqual([
      [1, 0, 0],
      [3, 0, 6],
    ]);
    expect(await store.getCursor('push-orders')).toBe('2026-01-01T00:00:00Z');
    expect(await store.openQuarantine('push-orders')).toEqual([]);
    const lines = await store.query(
      `SELECT count(*) AS n FROM ${pgUrl ? `"${schema}".` : ''}sagesync_order_line`,
    );
    expect(Number(lines[0]?.['n'])).toBe(6);
  });

  it('a batch sent again skips every parent and leaves their lines alone', async () => {
    const again = batch([2, 3, 4], '2026-01-02T00:00:00Z');
    const result = await store.stage(again);
    expect(result.writes.map((w) => [w.inserted, w.skipped, w.childrenInserted])).toEqual([
      [0, 1, 0],
      [1, 2, 2],
    ]);
    const lines = await store.query(
      `SELECT o.oro_order_id AS id, count(*) AS n FROM ${pgUrl ? `"${schema}".` : ''}sagesync_order o
         JOIN ${pgUrl ? `"${schema}".` : ''}sagesync_order_line l ON l.order_staging_id = o.staging_id
        GROUP BY o.oro_order_id ORDER BY o.oro_order_id`,
    );
    expect(lines.map((r) => [Number(r['id']), Number(r['n'])])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
      [4, 2],
    ]);
  });

  it('two writes to one table stay separate statements in one transaction', async () => {
    const from = events.length;
    const result = await store.stage({
      job: 'push-customers',
      writes: [
        { table: CUSTOMER, rows: [customer(8, 'b')], conflictColumns: ['oro_customer_id', 'payload_hash'] },
        {
          table: CUSTOMER,
          rows: [customer(8, 'b'), customer(9, 'c')],
          conflictColumns: ['oro_customer_id', 'payload_hash'],
        },
      ],
    });
    expect(sent(from).length).toBeGreaterThan(1);
    expect(result.writes.map((w) => [w.inserted, w.skipped])).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });
});
