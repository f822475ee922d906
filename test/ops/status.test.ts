import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { RunContext } from '../../src/jobs/context.js';
import { createLogger } from '../../src/log/logger.js';
import { formatStatus, status } from '../../src/ops/status.js';
import { openStore } from '../../src/staging/open-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sagesync-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The real PostgreSQL when available (PGlite start-up costs ~20 s on a busy 2-core machine), else PGlite.
const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
const schema = `t_status_${Date.now().toString(36)}`;
const staging = pgUrl
  ? { dialect: 'postgres' as const, url: pgUrl, schema, tls: { enabled: false } }
  : { dialect: 'embedded' as const, path: 'memory://', schema };

describe(`status (${staging.dialect})`, () => {
  it('reports backlog, oldest NEW row, last runs, quarantine, X3 rejections and cursor lag', async () => {
    const config = configSchema.parse({
      oro: { url: 'https://shop.example.com', clientId: 'c', clientSecret: 'secret-1' },
      staging,
    });
    const store = await openStore(config);
    await store.migrate();
    const now = new Date('2026-03-01T12:00:00Z');
    await store.query(
      `INSERT INTO ${schema}.sagesync_credit_limit (erp_customer_code, credit_limit, status, created_at) VALUES ('C1', '10.0000', 'NEW', '2026-03-01T11:00:00Z'), ('C2', '5.0000', 'DONE', '2026-03-01T10:00:00Z')`,
    );
    await store.query(
      `INSERT INTO ${schema}.sagesync_customer (oro_customer_id, name, custom_attributes, reason, payload_hash, status, erp_message, staged_at) VALUES (7, 'ACME', '{}', 'order', repeat('b', 64), 'ERROR', 'unknown payment term', '2026-03-01T09:00:00Z')`,
    );
    await store.quarantine([{ job: 'push-orders', entity: 'order', entityId: '42', error: 'too long' }], now);
    const id = await store.startRun({ job: 'pull-credit', command: 'run-all', host: 'h1', pid: 1 });
    await store.finishRun(id, { outcome: 'ok', counts: { read: 1 }, message: null });
    const ctx: RunContext = {
      config,
      logger: createLogger(config.logging, { stream: new PassThrough() }),
      clock: () => now,
      openStore: async () => store,
      openOro: async () => {
        throw new Error('status never contacts Oro');
      },
    };
    const r = await status(ctx);
    if (pgUrl) await store.query(`DROP SCHEMA ${schema} CASCADE`);
    await store.close();
    expect(r.backlog.find((b) => b.table.endsWith('credit_limit') && b.status === 'NEW')?.count).toBe(1);
    expect(r.oldestNew?.ageSeconds).toBe(3600);
    expect(r.lastRuns.map((x) => [x.job, x.outcome])).toEqual([['pull-credit', 'ok']]);
    expect(r.quarantine.open).toBe(1);
    expect(r.rejectedByX3.rows[0]?.message).toBe('unknown payment term');
    const text = formatStatus(r);
    expect(text).toContain('Oldest NEW row:');
    expect(text).toContain('60 min old');
    expect(text).toContain('Quarantined records: 1');
    expect(text).toContain('Rows X3 rejected: 1');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
