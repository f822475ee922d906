/**
 * `migrate --print`: the DDL of both dialects without a database, and on the real PostgreSQL
 * server: the DDL runs, and a login in the printed role can do exactly what contract
 * guarantee 4 says (the store works end to end; UPDATE on orders, INSERT on credit limits and
 * any DDL are refused).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/staging/open-store.js';
import { printDdl } from '../../src/staging/print-ddl.js';
import { CONTRACT_TABLES, CREDIT_LIMIT, ORDER, type TableDef } from '../../src/staging/tables.js';
import type { Config } from '../../src/config/schema.js';

const stream: TableDef = {
  name: 'stream_widget',
  direction: 2,
  columns: [{ name: 'staging_id', type: { kind: 'bigint' }, nullable: false, identity: true }],
  primaryKey: ['staging_id'],
  unique: [],
  foreignKeys: [],
  indexes: [],
};

describe('printDdl without a database', () => {
  it('PostgreSQL: every contract table, the version row, the role and exactly the contract grants', () => {
    const ddl = printDdl('postgres', { extraTables: [stream] });
    for (const t of CONTRACT_TABLES)
      expect(ddl).toContain(`CREATE TABLE IF NOT EXISTS "public"."sagesync_${t.name}"`);
    expect(ddl).toContain(`VALUES ('0001_contract_v1', 1)`);
    expect(ddl).toContain('CREATE ROLE "sagesync_app" NOLOGIN');
    expect(ddl).toContain('GRANT SELECT, INSERT ON "public"."sagesync_order" TO "sagesync_app";');
    expect(ddl).toContain('GRANT SELECT, UPDATE ON "public"."sagesync_credit_limit" TO "sagesync_app";');
    expect(ddl).toContain(
      'GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."sagesync_state" TO "sagesync_app";',
    );
    expect(ddl).toContain('GRANT SELECT, UPDATE ON "public"."sagesync_stream_widget" TO "sagesync_app";');
    expect(ddl).not.toMatch(/GRANT (ALL|CREATE)/);
    expect(ddl.match(/^GRANT /gm)).toHaveLength(CONTRACT_TABLES.length + 2);
  });

  it('SQL Server: bracketed names in the schema, datetime2(3), decimal(19,4), the role and its grants', () => {
    const ddl = printDdl('mssql', { schema: 'x3', tablePrefix: 'sgs_', role: 'sync_rw' });
    expect(ddl).toContain("IF SCHEMA_ID(N'x3') IS NULL EXEC(N'CREATE SCHEMA [x3]');");
    expect(ddl).toContain('CREATE TABLE [x3].[sgs_order] (');
    expect(ddl).toContain('[order_created_at] datetime2(3) NOT NULL');
    expect(ddl).toContain('[total] decimal(19,4) NOT NULL');
    expect(ddl).toContain('[staging_id] bigint IDENTITY(1,1) NOT NULL');
    expect(ddl).toContain("IF DATABASE_PRINCIPAL_ID(N'sync_rw') IS NULL CREATE ROLE [sync_rw];");
    expect(ddl).toContain('GRANT SELECT, INSERT ON [x3].[sgs_order_line] TO [sync_rw];');
    expect(ddl).toContain('GRANT SELECT, UPDATE ON [x3].[sgs_shipment] TO [sync_rw];');
    expect(ddl).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON [x3].[sgs_quarantine] TO [sync_rw];');
    expect(ddl.match(/^GRANT /gm)).toHaveLength(CONTRACT_TABLES.length);
    expect(ddl.match(/^GO$/gm)?.length).toBeGreaterThan(CONTRACT_TABLES.length);
  });
});

const url = process.env.SAGESYNC_TEST_PG_URL;
if (!url) console.warn('[print-ddl] PostgreSQL part skipped: SAGESYNC_TEST_PG_URL is not set');

describe.runIf(Boolean(url))('printDdl on the real PostgreSQL server', () => {
  const tag = randomBytes(4).toString('hex');
  const schema = `sgs_ddl_${tag}`;
  const role = `sgs_app_${tag}`;
  const login = `sgs_login_${tag}`;
  const admin = new pg.Client({ connectionString: url });
  const config = (user?: string): Config =>
    ({
      staging: {
        dialect: 'postgres',
        url: user ? url!.replace(/\/\/[^@]*@/, `//${user}:pw_${tag}@`) : url,
        schema,
        tablePrefix: 'sagesync_',
        path: 'memory://',
        tls: { enabled: false, rejectUnauthorized: true },
      },
    }) as unknown as Config;

  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS "${login}"`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS "${role}"`).catch(() => undefined);
    await admin.end();
  });

  it('the DDL runs, and the role has exactly the rights of guarantee 4', async () => {
    await admin.connect();
    await admin.query(printDdl('postgres', { schema, role }));
    await admin.query(`CREATE ROLE "${login}" LOGIN PASSWORD 'pw_${tag}' IN ROLE "${role}"`);

    const store = await openStore(config(login));
    try {
      await store.assertSchemaCurrent();
      expect((await store.migrate()).alreadyCurrent).toBe(true);
      const lock = await store.tryLock('push-orders');
      expect(lock).not.toBeNull();
      const staged = await store.stage({
        job: 'push-orders',
        cursor: 'c1',
        writes: [
          {
            table: ORDER,
            rows: [
              {
                oro_order_id: 1,
                order_identifier: 'A',
                oro_customer_id: 1,
                currency: 'EUR',
                total: '1.0000',
                order_created_at: new Date(),
                custom_attributes: '{}',
              },
            ],
            conflictColumns: ['oro_order_id'],
          },
        ],
      });
      expect(staged.writes[0]?.inserted).toBe(1);
      await admin.query(
        `INSERT INTO "${schema}".sagesync_credit_limit (erp_customer_code, credit_limit) VALUES ('C1', 5)`,
      );
      const [row] = await store.pendingInbound(CREDIT_LIMIT, { limit: 1 });
      expect(
        await store.finishInbound(CREDIT_LIMIT, [
          { stagingId: row!.staging_id, status: 'DONE', message: null },
        ]),
      ).toBe(1);
      await store.quarantine(
        [{ job: 'push-orders', entity: 'order', entityId: '9', error: 'x' }],
        new Date(),
      );
      expect((await store.noteAlert('a'.repeat(64), 's', 60, new Date())).send).toBe(true);
      await store.learnCustomerCodes();
      const run = await store.startRun({ job: 'push-orders', command: 'push-orders', host: 'h', pid: 1 });
      await store.finishRun(run, { outcome: 'ok', counts: {}, message: null });
      await store.backlog();
      await lock?.release();

      const denied = async (sql: string) =>
        expect(store.query(sql)).rejects.toThrow(/permission denied|must be owner/);
      await denied(`UPDATE "${schema}".sagesync_order SET status = 'DONE'`);
      await denied(`DELETE FROM "${schema}".sagesync_order`);
      await denied(
        `INSERT INTO "${schema}".sagesync_credit_limit (erp_customer_code, credit_limit) VALUES ('C2', 1)`,
      );
      await denied(`DELETE FROM "${schema}".sagesync_shipment`);
      await denied(`CREATE TABLE "${schema}".intruder (id int)`);
      await denied(`ALTER TABLE "${schema}".sagesync_order ADD COLUMN x int`);
      await denied(`DROP TABLE "${schema}".sagesync_alert`);
    } finally {
      await store.close();
    }
  });
});
