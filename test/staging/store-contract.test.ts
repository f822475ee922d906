/**
 * The staging-store contract suite, looped over every backend available (PGlite always,
 * PostgreSQL with SAGESYNC_TEST_PG_URL, SQL Server with SAGESYNC_TEST_MSSQL_URL). It prints
 * which backends ran and which were skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, SchemaVersionError } from '../../src/errors.js';
import { openStore } from '../../src/staging/open-store.js';
import { StoreBusyError } from '../../src/staging/store-busy.js';
import { advisoryKey } from '../../src/staging/names.js';
import type { Row, StagingStore, TableWrite } from '../../src/staging/store.js';
import {
  CONTRACT_TABLES,
  CREDIT_LIMIT,
  CUSTOMER,
  ORDER,
  ORDER_LINE,
  SHIPMENT,
  type TableDef,
} from '../../src/staging/tables.js';
import { open, randomSchema, reportBackends, type Backend } from './helpers/backends.js';
import { COLUMNS_SQL, CONSTRAINTS_SQL, expected } from './helpers/catalog.js';
import { line, order, orderWrite } from './helpers/rows.js';
import { holdInChild, kill } from './helpers/child.js';

const backends = reportBackends('store-contract');

const inbound = (table: TableDef, rows: Row[]): TableWrite => ({ table, rows, conflictColumns: [] });

describe.each(backends.map((b) => [b.name, b] as const))(
  'staging store contract on %s',
  (_name, backend: Backend) => {
    const schema = randomSchema('contract');
    let store: StagingStore;
    const p = backend.p;
    const server = backend.name !== 'embedded';

    beforeAll(async () => {
      store = await open(backend, schema);
    });
    afterAll(async () => {
      await store?.close();
      await backend.dropSchema(schema);
    });

    it('refuses to run before migrate, naming sagesync migrate', async () => {
      expect(await store.schemaVersion()).toBeNull();
      await expect(store.assertSchemaCurrent()).rejects.toThrow(SchemaVersionError);
      await expect(store.assertSchemaCurrent()).rejects.toThrow(/sagesync migrate/);
    });

    it('migrate creates every contract column with its type, nullability and constraints', async () => {
      const report = await store.migrate();
      expect(report.applied).toContain('0001_contract_v1');
      // Contract additions (issue 16): recorded, so that an older database is told to migrate.
      expect(report.applied).toContain('0002_order_parent_and_kit_items');
      const cols = await store.query(COLUMNS_SQL(p(1)), [schema]);
      const byName = new Map(cols.map((c) => [`${c.tn}.${c.cn}`, c]));
      for (const t of CONTRACT_TABLES) {
        for (const c of t.columns) {
          const got = byName.get(`sagesync_${t.name}.${c.name}`);
          expect(got, `sagesync_${t.name}.${c.name}`).toBeDefined();
          const want = expected(backend.name === 'mssql' ? 'mssql' : 'postgres', c);
          expect({
            col: `${t.name}.${c.name}`,
            dataType: got?.dt,
            length: got?.len === null ? null : Number(got?.len),
            precision: want.precision === null ? null : Number(got?.prec),
            scale: want.scale === null ? null : Number(got?.scale),
            nullable: got?.nullable === 'YES',
          }).toEqual({ col: `${t.name}.${c.name}`, ...want, nullable: c.nullable });
          if (c.type.kind === 'timestamp' && backend.name === 'mssql') expect(Number(got?.dtp)).toBe(3);
        }
        const physical = cols.filter((c) => c.tn === `sagesync_${t.name}`).length;
        expect(physical, `no extra columns in ${t.name}`).toBe(t.columns.length);
      }
      const cons = await store.query(CONSTRAINTS_SQL(p(1)), [schema]);
      const keys = (tn: string, ct: string) => {
        const groups = new Map<string, string[]>();
        for (const r of cons.filter((x) => x.tn === tn && x.ct === ct)) {
          groups.set(String(r.name), [...(groups.get(String(r.name)) ?? []), String(r.cn)]);
        }
        return [...groups.values()].map((g) => g.join(',')).sort();
      };
      for (const t of CONTRACT_TABLES) {
        const tn = `sagesync_${t.name}`;
        expect(keys(tn, 'PRIMARY KEY'), tn).toEqual([t.primaryKey.join(',')]);
        expect(keys(tn, 'UNIQUE'), tn).toEqual(t.unique.map((u) => u.join(',')).sort());
        expect(keys(tn, 'FOREIGN KEY'), tn).toEqual(t.foreignKeys.map((f) => f.columns.join(',')).sort());
      }
      await store.assertSchemaCurrent();
    });

    it('migrate is idempotent', async () => {
      const again = await store.migrate();
      expect(again).toEqual({ applied: [], alreadyCurrent: true, contractVersion: 1 });
      expect((await store.schemaVersion())?.migrations).toEqual([
        '0001_contract_v1',
        '0002_order_parent_and_kit_items',
      ]);
    });

    it.runIf(server)(
      'a contract 1.0 schema gets sagesync_alert.digest from migrate (1.1, additive)',
      async () => {
        const old = randomSchema('v10');
        const a = await open(backend, old);
        try {
          await a.migrate();
          await a.query(`ALTER TABLE ${a.tableName('alert')} DROP COLUMN digest`);
          const up = await a.migrate();
          expect(up.applied).toEqual([`upgrade:column:sagesync_alert.digest`]);
          expect((await a.noteAlert('fp', 'x', 60, new Date(), [{ key: '1', text: 't' }])).first).toBe(true);
        } finally {
          await a.close();
          await backend.dropSchema(old);
        }
      },
    );

    it.runIf(server)('two concurrent migrates on a fresh schema both succeed, once', async () => {
      const fresh = randomSchema('concurrent');
      const [a, b] = await Promise.all([open(backend, fresh), open(backend, fresh)]);
      try {
        const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
        expect([ra.alreadyCurrent, rb.alreadyCurrent].sort()).toEqual([false, true]);
        expect((await a.schemaVersion())?.migrations).toEqual([
          '0001_contract_v1',
          '0002_order_parent_and_kit_items',
        ]);
      } finally {
        await a.close();
        await b.close();
        await backend.dropSchema(fresh);
      }
    });

    it('extra tables: created, missing columns added, an incompatible type refused', async () => {
      const stream: TableDef = {
        name: 'stream_widget',
        direction: 1,
        columns: [
          { name: 'staging_id', type: { kind: 'bigint' }, nullable: false, identity: true },
          { name: 'code', type: { kind: 'nvarchar', length: 20 }, nullable: false },
        ],
        primaryKey: ['staging_id'],
        unique: [['code']],
        foreignKeys: [],
        indexes: [],
      };
      const r1 = await store.migrate([stream]);
      expect(r1.applied).toEqual(['table:sagesync_stream_widget']);
      const grown = {
        ...stream,
        columns: [
          ...stream.columns,
          { name: 'price', type: { kind: 'decimal', precision: 19, scale: 4 }, nullable: true } as const,
        ],
      };
      const r2 = await store.migrate([grown]);
      expect(r2.applied).toEqual(['column:sagesync_stream_widget.price']);
      expect((await store.migrate([grown])).alreadyCurrent).toBe(true);
      const changed = {
        ...grown,
        columns: [
          stream.columns[0]!,
          { name: 'code', type: { kind: 'int' }, nullable: false } as const,
          grown.columns[2]!,
        ],
      };
      const err = await store.migrate([changed]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect(String((err as Error).message)).toMatch(/sagesync_stream_widget\.code/);
    });

    it('stages headers with their lines and the cursor; values come back normalised', async () => {
      const result = await store.stage({
        job: 'push-orders',
        cursor: '2026-03-04T05:06:07Z|1',
        writes: [
          orderWrite(
            [order(1), order(2)],
            new Map([
              [1, [line(1, 1), line(1, 2)]],
              [2, [line(2, 1)]],
            ]),
          ),
        ],
      });
      expect(result.writes).toEqual([
        { table: 'sagesync_order', inserted: 2, skipped: 0, childrenInserted: 3 },
      ]);
      expect(await store.getCursor('push-orders')).toBe('2026-03-04T05:06:07Z|1');
      const rows = await store.query(
        `SELECT staging_id, total, subtotal, ship_until, order_created_at, po_number FROM ${store.tableName(ORDER)} WHERE oro_order_id = ${p(1)}`,
        [1],
      );
      expect(await store.stagedOrderIds([1, 2, 3])).toEqual(new Set([1, 2]));
      expect(rows).toHaveLength(1);
      const inboundRows = await store.pendingInbound(ORDER, { limit: 10 });
      const o1 = inboundRows.find((r) => r.oro_order_id === 1);
      expect(o1?.total).toBe('12345678901234.5678');
      expect(o1?.subtotal).toBe('789.0000');
      expect(o1?.ship_until).toBe('2026-12-31');
      expect((o1?.order_created_at as Date).toISOString()).toBe('2026-03-04T05:06:07.891Z');
      expect(o1?.po_number).toBe(`PO "quoted" 'single'; DROP TABLE x; -- ü 🚀`);
      expect(typeof o1?.staging_id).toBe('string');
    });

    it('unique keys skip duplicates without failing the batch, and skipped parents get no lines', async () => {
      const result = await store.stage({
        job: 'push-orders',
        cursor: 'c2',
        writes: [
          orderWrite(
            [order(2), order(3), order(3)],
            new Map([
              [2, [line(2, 9)]],
              [3, [line(3, 1)]],
            ]),
          ),
        ],
      });
      expect(result.writes).toEqual([
        { table: 'sagesync_order', inserted: 1, skipped: 2, childrenInserted: 1 },
      ]);
      const lines = await store.query(
        `SELECT oro_line_item_id FROM ${store.tableName(ORDER_LINE)} WHERE oro_order_id = ${p(1)}`,
        [2],
      );
      expect(lines.map((l) => Number(l.oro_line_item_id))).toEqual([201]);
    });

    it('rows and cursor commit together or not at all (failure mid-batch)', async () => {
      const bad = store.stage({
        job: 'push-orders',
        cursor: 'c-bad',
        writes: [
          orderWrite([order(10)], new Map([[10, [line(10, 1)]]])),
          // The second write fails: a required column is null.
          {
            table: CUSTOMER,
            rows: [
              {
                oro_customer_id: 7,
                name: null,
                custom_attributes: '{}',
                reason: 'order',
                payload_hash: 'h'.repeat(64),
              },
            ],
            conflictColumns: ['oro_customer_id', 'payload_hash'],
          },
        ],
      });
      await expect(bad).rejects.toThrow();
      expect(await store.stagedOrderIds([10])).toEqual(new Set());
      expect(await store.getCursor('push-orders')).toBe('c2');
      // A bad line value fails its header too.
      await expect(
        store.stage({
          job: 'push-orders',
          cursor: 'c-bad2',
          writes: [orderWrite([order(11)], new Map([[11, [line(11, 1, { quantity: 'lots' })]]]))],
        }),
      ).rejects.toThrow();
      expect(await store.stagedOrderIds([11])).toEqual(new Set());
      expect(await store.getCursor('push-orders')).toBe('c2');
    });

    it('a job lock is refused to a second holder and released explicitly', async () => {
      const lock = await store.tryLock('push-orders');
      expect(lock?.held()).toBe(true);
      expect(await store.tryLock('push-orders')).toBeNull();
      if (server) {
        const other = await open(backend, schema);
        try {
          expect(await other.tryLock('push-orders')).toBeNull();
          const otherJob = await other.tryLock('pull-credit');
          expect(otherJob?.held()).toBe(true);
          await otherJob?.release();
          await lock?.release();
          expect(lock?.held()).toBe(false);
          const again = await other.tryLock('push-orders');
          expect(again?.held()).toBe(true);
          await again?.release();
        } finally {
          await other.close();
        }
      } else {
        await lock?.release();
        expect(lock?.held()).toBe(false);
        const again = await store.tryLock('push-orders');
        expect(again).not.toBeNull();
        await again?.release();
      }
    });

    it.runIf(server)('a lock held by a killed process is released', async () => {
      const child = await holdInChild(backend.config(schema), 'pull-tracking');
      try {
        expect(await store.tryLock('pull-tracking')).toBeNull();
      } finally {
        await kill(child);
      }
      // The server notices the closed socket promptly; poll (up to 30 s: a loaded host is slow)
      // rather than assume timing.
      let lock = null;
      for (let i = 0; i < 300 && !lock; i++) {
        lock = await store.tryLock('pull-tracking');
        if (!lock) await new Promise((r) => setTimeout(r, 100));
      }
      expect(lock?.held()).toBe(true);
      await lock?.release();
    });

    it.runIf(backend.name === 'postgres')('held() turns false when the lock session dies', async () => {
      const other = await open(backend, schema);
      try {
        const lock = await other.tryLock('push-customers');
        expect(lock?.held()).toBe(true);
        const [k1, k2] = advisoryKey({ schema, prefix: 'sagesync_' }, 'push-customers');
        await store.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2`,
          [k1 >>> 0, k2 >>> 0],
        );
        for (let i = 0; i < 300 && lock?.held(); i++) await new Promise((r) => setTimeout(r, 100));
        expect(lock?.held()).toBe(false);
        const mine = await store.tryLock('push-customers');
        expect(mine?.held()).toBe(true);
        await mine?.release();
        // The store opens a new lock session on the next tryLock.
        const again = await other.tryLock('push-customers');
        expect(again?.held()).toBe(true);
        await again?.release();
      } finally {
        await other.close();
      }
    });

    it('pendingInbound returns NEW rows in order; finishInbound only touches NEW rows', async () => {
      await store.stage({
        job: 'x3',
        writes: [
          inbound(CREDIT_LIMIT, [
            { erp_customer_code: 'C1', credit_limit: '1000.5000', currency: 'EUR' },
            { erp_customer_code: 'C2', credit_limit: '0.0000' },
            { erp_customer_code: 'C3', credit_limit: '99999999999.9999' },
          ]),
        ],
      });
      const pending = await store.pendingInbound(CREDIT_LIMIT, { limit: 10 });
      expect(pending.map((r) => r.erp_customer_code)).toEqual(['C1', 'C2', 'C3']);
      expect(pending[0]?.credit_limit).toBe('1000.5000');
      expect(pending[0]?.status).toBe('NEW');
      const [a, b, c] = pending.map((r) => r.staging_id);
      expect(
        (await store.pendingInbound(CREDIT_LIMIT, { limit: 10, afterId: a })).map((r) => r.staging_id),
      ).toEqual([b, c]);
      expect(
        (await store.pendingInbound(CREDIT_LIMIT, { limit: 10, ids: [c!] })).map((r) => r.staging_id),
      ).toEqual([c]);
      expect(await store.pendingInbound(CREDIT_LIMIT, { limit: 1 })).toHaveLength(1);
      // X3 (or another run) already took row b.
      await store.query(
        `UPDATE ${store.tableName(CREDIT_LIMIT)} SET status = 'ERROR' WHERE staging_id = ${p(1)}`,
        [b],
      );
      const changed = await store.finishInbound(CREDIT_LIMIT, [
        { stagingId: a!, status: 'DONE', message: null },
        { stagingId: b!, status: 'DONE', message: null },
        { stagingId: c!, status: 'ERROR', message: 'unknown customer C3 — “quoted”' },
      ]);
      expect(changed).toBe(2);
      const rows = await store.query(
        `SELECT staging_id, status, sync_message, processed_at FROM ${store.tableName(CREDIT_LIMIT)} ORDER BY staging_id`,
      );
      expect(rows.map((r) => [r.status, r.sync_message])).toEqual([
        ['DONE', null],
        ['ERROR', null],
        ['ERROR', 'unknown customer C3 — “quoted”'],
      ]);
      expect(rows[1]?.processed_at).toBeNull();
      expect(await store.pendingInbound(CREDIT_LIMIT, { limit: 10 })).toEqual([]);
    });

    it('finds staged orders by X3 number or identifier', async () => {
      await store.query(
        `UPDATE ${store.tableName(ORDER)} SET erp_order_number = 'SO-X3-1' WHERE oro_order_id = ${p(1)}`,
        [1],
      );
      expect(await store.findStagedOrder({ erpOrderNumber: 'SO-X3-1' })).toBe(1);
      expect(await store.findStagedOrder({ orderIdentifier: 'SO-2' })).toBe(2);
      expect(await store.findStagedOrder({ orderIdentifier: 'nope' })).toBeNull();
      await store.stage({
        job: 'x3',
        writes: [inbound(SHIPMENT, [{ oro_order_id: 1, carrier: 'UPS', tracking_number: '1Z' }])],
      });
      expect((await store.pendingInbound(SHIPMENT, { limit: 5 }))[0]?.tracking_number).toBe('1Z');
    });

    it('customers: last hashes, learning X3 codes with a conflict, rejected rows', async () => {
      const cust = (id: number, hash: string): Row => ({
        oro_customer_id: id,
        name: `Customer ${id}`,
        custom_attributes: '{}',
        reason: 'order',
        payload_hash: hash.padEnd(64, '0'),
      });
      const w = {
        table: CUSTOMER,
        rows: [cust(1, 'a'), cust(1, 'b'), cust(2, 'c'), cust(3, 'd'), cust(1, 'a')],
        conflictColumns: ['oro_customer_id', 'payload_hash'],
      };
      const res = await store.stage({ job: 'push-customers', writes: [w] });
      expect(res.writes[0]).toMatchObject({ inserted: 4, skipped: 1 });
      expect(await store.lastCustomerHashes([1, 2, 9])).toEqual(
        new Map([
          [1, 'b'.padEnd(64, '0')],
          [2, 'c'.padEnd(64, '0')],
        ]),
      );
      const t = store.tableName(CUSTOMER);
      await store.query(
        `UPDATE ${t} SET status = 'DONE', erp_customer_code = 'BP001' WHERE oro_customer_id = ${p(1)}`,
        [1],
      );
      await store.query(
        `UPDATE ${t} SET status = 'DONE', erp_customer_code = 'BP002' WHERE oro_customer_id = ${p(1)}`,
        [2],
      );
      // X3 gave customer 3 the code of customer 1: a conflict, not an overwrite.
      await store.query(
        `UPDATE ${t} SET status = 'DONE', erp_customer_code = 'BP001' WHERE oro_customer_id = ${p(1)}`,
        [3],
      );
      const first = await store.learnCustomerCodes();
      expect(first.learnt).toEqual([{ oroCustomerId: 2, code: 'BP002' }]);
      expect(first.conflicts).toHaveLength(1);
      expect(first.conflicts[0]).toMatchObject({ code: 'BP001', oroCustomerIds: [1, 3] });
      await store.query(`UPDATE ${t} SET erp_customer_code = 'BP003' WHERE oro_customer_id = ${p(1)}`, [3]);
      const second = await store.learnCustomerCodes();
      expect(second.learnt.sort((a, b) => a.oroCustomerId - b.oroCustomerId)).toEqual([
        { oroCustomerId: 1, code: 'BP001' },
        { oroCustomerId: 3, code: 'BP003' },
      ]);
      expect(second.conflicts).toEqual([]);
      expect((await store.learnCustomerCodes()).learnt).toEqual([]);
      expect(await store.customerCodes([1, 2, 4])).toEqual(
        new Map([
          [1, 'BP001'],
          [2, 'BP002'],
        ]),
      );
      expect(await store.customerIdsForCodes(['BP003', 'BP999', 'BP001'])).toEqual(
        new Map([
          ['BP003', 3],
          ['BP001', 1],
        ]),
      );
      expect(await store.customerIdsForCodes([])).toEqual(new Map());
      await store.query(
        `UPDATE ${store.tableName(ORDER)} SET status = 'ERROR', erp_message = 'bad customer' WHERE oro_order_id = ${p(1)}`,
        [2],
      );
      const rejected = await store.rejectedRows(10);
      expect(rejected).toEqual([
        expect.objectContaining({ table: 'sagesync_order', key: 'SO-2', message: 'bad customer' }),
      ]);
    });

    it('quarantine: attempts count up with exponential backoff; resolve; due entries', async () => {
      const t0 = new Date('2026-01-01T00:00:00.000Z');
      await store.quarantine(
        [{ job: 'push-orders', entity: 'order', entityId: '42', error: 'bad value' }],
        t0,
      );
      const t1 = new Date('2026-01-01T00:01:00.000Z');
      await store.quarantine(
        [
          { job: 'push-orders', entity: 'order', entityId: '42', error: 'still bad' },
          { job: 'push-orders', entity: 'order', entityId: '43', error: 'x'.repeat(5000) },
        ],
        t1,
      );
      const open = await store.openQuarantine('push-orders');
      const q42 = open.find((q) => q.entityId === '42');
      expect(q42).toMatchObject({ attempts: 2, error: 'still bad' });
      expect(q42?.firstFailedAt.toISOString()).toBe(t0.toISOString());
      expect(q42?.nextAttemptAt.toISOString()).toBe('2026-01-01T00:03:00.000Z');
      expect(open.find((q) => q.entityId === '43')?.error.length).toBeLessThanOrEqual(4000);
      expect(
        (await store.dueQuarantine('push-orders', new Date('2026-01-01T00:02:30Z'), 10)).map(
          (q) => q.entityId,
        ),
      ).toEqual(['43']);
      expect(
        (await store.dueQuarantine('push-orders', new Date('2026-01-01T00:03:00Z'), 10))
          .map((q) => q.entityId)
          .sort(),
      ).toEqual(['42', '43']);
      await store.resolveQuarantine('push-orders', [{ entity: 'order', entityId: '43' }]);
      await store.stage({ job: 'push-orders', writes: [], resolved: [{ entity: 'order', entityId: '42' }] });
      expect(await store.openQuarantine()).toEqual([]);
      await store.quarantine([{ job: 'push-orders', entity: 'order', entityId: '42', error: 'again' }], t1);
      expect((await store.openQuarantine('push-orders'))[0]).toMatchObject({ attempts: 1, error: 'again' });
    });

    it('runs are recorded and the last one per job is listed', async () => {
      const a = await store.startRun({ job: 'push-orders', command: 'run-all', host: 'h1', pid: 1 });
      await store.finishRun(a, { outcome: 'ok', counts: { read: 3, written: 2 }, message: null });
      const b = await store.startRun({ job: 'push-orders', command: 'push-orders', host: 'h2', pid: 2 });
      const c = await store.startRun({ job: 'pull-credit', command: 'run-all', host: 'h1', pid: 1 });
      await store.finishRun(c, { outcome: 'records-failed', counts: { failed: 1 }, message: 'one failed' });
      const runs = await store.lastRuns();
      expect(runs.map((r) => [r.job, r.id])).toEqual([
        ['pull-credit', c],
        ['push-orders', b],
      ]);
      expect(runs[0]).toMatchObject({
        outcome: 'records-failed',
        counts: { failed: 1 },
        message: 'one failed',
      });
      expect(runs[1]?.finishedAt).toBeNull();
      // The last success: push-orders' running run b does not count, a's finish does.
      const d = await store.startRun({ job: 'pull-credit', command: 'run-all', host: 'h1', pid: 1 });
      await store.finishRun(d, { outcome: 'failed', counts: {}, message: 'Oro down' });
      const successes = await store.lastSuccesses(['push-orders', 'pull-credit', 'pull-tracking']);
      expect([...successes.keys()]).toEqual(['push-orders', 'pull-credit']);
      expect(successes.get('pull-credit')?.getTime()).toBe(runs[0]?.finishedAt?.getTime());
      expect(successes.get('push-orders')?.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('alerts are throttled atomically and cleared once', async () => {
      const fp = 'f'.repeat(64);
      const t0 = new Date('2026-02-01T10:00:00Z');
      const stores = server
        ? [store, await open(backend, schema), await open(backend, schema)]
        : [store, store, store];
      try {
        const results = await Promise.all(stores.map((s) => s.noteAlert(fp, 'Oro is down', 60, t0)));
        expect(results.filter((r) => r.send)).toHaveLength(1);
        expect(Math.max(...results.map((r) => r.record.occurrences))).toBe(3);
      } finally {
        for (const s of stores.slice(1)) if (s !== store) await s.close();
      }
      expect((await store.noteAlert(fp, 'Oro is down', 60, new Date('2026-02-01T10:30:00Z'))).send).toBe(
        false,
      );
      const later = await store.noteAlert(fp, 'Oro is still down', 60, new Date('2026-02-01T11:00:00Z'));
      expect(later.send).toBe(true);
      expect(later.record).toMatchObject({ occurrences: 5, summary: 'Oro is still down' });
      expect((await store.openAlerts()).map((a) => a.fingerprint)).toEqual([fp]);
      expect(await store.clearAlert(fp, new Date('2026-02-01T11:05:00Z'))).toBe(true);
      expect(await store.clearAlert(fp, new Date('2026-02-01T11:06:00Z'))).toBe(false);
      expect(await store.openAlerts()).toEqual([]);
    });

    it('records joining an open alert wait for the window, then go out as one digest (any store)', async () => {
      const fp = 'digest:pull-credit:sagesync_credit_limit';
      const item = (n: number) => ({ key: String(n), text: `staging_id ${n}: unknown code K${n}` });
      const at = (min: number) => new Date(Date.UTC(2026, 1, 2, 10, min));
      const other = server ? await open(backend, schema) : store;
      try {
        const first = await store.noteAlert(fp, '1 row in ERROR', 60, at(0), [item(1)]);
        expect(first).toMatchObject({ send: true, first: true, listed: [expect.objectContaining(item(1))] });
        // Other hosts add records within the window: kept, not sent.
        for (let m = 1; m < 60; m++) {
          const s = m % 2 ? other : store;
          const d = await s.noteAlert(fp, `${m + 1} rows in ERROR`, 60, at(m), [item(1), item(m + 1)]);
          expect(d.send).toBe(false);
        }
        const [open1] = await store.openAlerts();
        expect(open1?.digest.pending.map((p) => p.key)).toEqual(
          Array.from({ length: 59 }, (_, i) => String(i + 2)),
        );
        // The window has ended: one digest with every record that joined, even those gone since.
        const digest = await other.noteAlert(fp, '1 row in ERROR', 60, at(60), [item(1)]);
        expect(digest).toMatchObject({ send: true, first: false });
        expect(digest.listed.map((p) => p.text)).toContain('staging_id 2: unknown code K2');
        expect(digest.listed).toHaveLength(59);
        expect((await store.noteAlert(fp, '1 row in ERROR', 60, at(61), [item(1)])).send).toBe(false);
        expect(await store.clearAlert(fp, at(62))).toBe(true);
        // After it cleared, the next occurrence starts a new problem: an e-mail at once.
        expect((await other.noteAlert(fp, 'again', 60, at(63), [item(1)])).first).toBe(true);
      } finally {
        if (other !== store) await other.close();
      }
    });

    it('backlog and cursors summarise the tables', async () => {
      const backlog = await store.backlog();
      expect(backlog).toContainEqual(
        expect.objectContaining({ table: 'sagesync_order', status: 'NEW', count: 2 }),
      );
      expect(backlog).toContainEqual(
        expect.objectContaining({ table: 'sagesync_credit_limit', status: 'ERROR', count: 2 }),
      );
      expect(backlog.every((b) => b.oldest instanceof Date)).toBe(true);
      const cursors = await store.cursors();
      expect(cursors.find((c) => c.job === 'push-orders')?.cursor).toBe('c2');
    });
  },
);

describe('staging store on the embedded database: the data directory is exclusive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-embedded-'));
  const path = join(dir, 'staging');
  const embedded = backends.find((b) => b.name === 'embedded')!;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a second opener gets StoreBusyError; a killed holder leaves a stale lock that is taken over', async () => {
    // The child creates the data directory (PGlite's initdb is slow: do it once).
    const child = await holdInChild(embedded.config('public', path), '-');
    try {
      const err = await openStore(embedded.config('public', path)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreBusyError);
      expect((err as StoreBusyError).holderPid).toBe(child.pid);
    } finally {
      await kill(child);
    }
    const store = await open(embedded, 'public', path);
    try {
      await store.migrate();
      await store.assertSchemaCurrent();
      const err = await openStore(embedded.config('public', path)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreBusyError);
    } finally {
      await store.close();
    }
    const reopened = await open(embedded, 'public', path);
    await reopened.close();
  }, 240_000);
});
