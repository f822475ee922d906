/**
 * Issue 17, doubt "triggers": X3 sites add triggers to staging tables. On SQL Server a trigger
 * that returns rows puts its result set before ours, and its statements' row counts are added to
 * rowsAffected (mssql collects every DONEINPROC count). Every read of what a write did therefore
 * comes from OUTPUT … INTO a table variable and the LAST result set. Decided and pinned here:
 * through the fake driver on SQL Server, and for real with a trigger on every contract table on
 * PostgreSQL/PGlite (where a trigger cannot return rows and row counts are the statement's own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { CONTRACT_TABLES, CREDIT_LIMIT } from '../../src/staging/tables.js';
import { fakeStore } from '../staging/helpers/fake-store.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';
import { line, order, orderWrite } from '../staging/helpers/rows.js';

describe('SQL Server: a trigger that returns rows and inflates row counts (fake driver)', () => {
  it('stage reads identities from OUTPUT INTO and the last result set', async () => {
    let id = 100;
    const { store } = fakeStore((call) => {
      if (call.text.includes('FROM @ins')) {
        const key = call.text.includes('[oro_order_id] FROM @ins');
        const ours = { staging_id: String(++id), ...(key ? { oro_order_id: 1 } : {}) };
        return { recordsets: [[{ audit: 'trigger row' }], [ours]], rowsAffected: [3, 1, 1] };
      }
      return {};
    });
    const result = await store.stage({
      job: 'push-orders',
      writes: [orderWrite([order(1)], new Map([[1, [line(1, 1)]]]))],
      cursor: 'c',
    });
    expect(result.writes).toEqual([
      { table: 'sagesync_order', inserted: 1, skipped: 0, childrenInserted: 1 },
    ]);
  });

  it('finishInbound counts the rows it changed, not the trigger’s', async () => {
    const { store } = fakeStore((call) =>
      call.text.includes('FROM @done')
        ? { recordsets: [[{ audit: 1 }, { audit: 2 }], [{ changed: 1 }]], rowsAffected: [2, 1, 1] }
        : {},
    );
    expect(await store.finishInbound(CREDIT_LIMIT, [{ stagingId: '5', status: 'DONE', message: null }])).toBe(
      1,
    );
  });
});

const pgBackends = BACKENDS.filter((b) => b.name !== 'mssql' && b.available);
describe.each(pgBackends.map((b) => [b.name, b] as const))(
  '%s: a trigger on every contract table',
  (_n, backend) => {
    const schema = randomSchema('trig');
    let store: StagingStore;
    beforeAll(async () => {
      store = await openStore(backend.config(schema));
      await store.migrate();
      await store.query(`CREATE TABLE "${schema}".x3_audit (tbl text, op text)`);
      await store.query(
        `CREATE FUNCTION "${schema}".x3_audit() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO "${schema}".x3_audit VALUES (TG_TABLE_NAME, TG_OP), (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$`,
      );
      for (const t of CONTRACT_TABLES) {
        await store.query(
          `CREATE TRIGGER x3_audit AFTER INSERT OR UPDATE ON ${store.tableName(t)} FOR EACH ROW EXECUTE FUNCTION "${schema}".x3_audit()`,
        );
      }
    });
    afterAll(async () => {
      await store?.close();
      await backend.dropSchema(schema);
    });

    it('stage, finishInbound and the bookkeeping count only their own rows', async () => {
      const result = await store.stage({
        job: 'push-orders',
        writes: [orderWrite([order(1), order(2)], new Map([[1, [line(1, 1), line(1, 2)]]]))],
        cursor: 'c1',
      });
      expect(result.writes[0]).toMatchObject({ inserted: 2, skipped: 0, childrenInserted: 2 });
      const [row] = await store.query(
        `INSERT INTO ${store.tableName(CREDIT_LIMIT)} (erp_customer_code, credit_limit) VALUES ('C1', '5') RETURNING staging_id`,
      );
      expect(
        await store.finishInbound(CREDIT_LIMIT, [
          { stagingId: String(row?.staging_id), status: 'DONE', message: null },
        ]),
      ).toBe(1);
      const runId = await store.startRun({ job: 'push-orders', command: 'test', host: 'h', pid: 1 });
      expect(runId).toMatch(/^\d+$/);
      await store.quarantine(
        [{ job: 'push-orders', entity: 'order', entityId: '9', error: 'e' }],
        new Date(),
      );
      expect((await store.openQuarantine('push-orders')).map((q) => q.entityId)).toEqual(['9']);
      const audited = await store.query(`SELECT count(*)::int AS n FROM "${schema}".x3_audit`);
      expect(Number(audited[0]?.n)).toBeGreaterThan(10);
    });
  },
);
