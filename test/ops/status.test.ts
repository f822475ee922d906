import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import type { RunContext } from '../../src/jobs/context.js';
import { createLogger } from '../../src/log/logger.js';
import { formatStatus, status } from '../../src/ops/status.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';

const dir = mkdtempSync(join(tmpdir(), 'sagesync-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The real PostgreSQL when available (PGlite start-up costs ~20 s on a busy 2-core machine), else PGlite.
const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
const schema = `t_status_${Date.now().toString(36)}`;
const staging = pgUrl
  ? { dialect: 'postgres' as const, url: pgUrl, schema, tls: { enabled: false } }
  : { dialect: 'embedded' as const, path: 'memory://', schema };

/** Runs `status` at `now` against `store`, then drops the schema and closes the store. */
async function statusOnce(config: Config, store: StagingStore, now: Date, drop: string) {
  const ctx: RunContext = {
    config,
    logger: createLogger(config.logging, { stream: new PassThrough() }),
    clock: () => now,
    openStore: async () => store,
    openOro: async () => {
      throw new Error('status never contacts Oro');
    },
  };
  try {
    return await status(ctx);
  } finally {
    if (pgUrl) await store.query(`DROP SCHEMA ${drop} CASCADE`);
    await store.close();
  }
}

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
    const r = await statusOnce(config, store, now, schema);
    expect(r.backlog.find((b) => b.table.endsWith('credit_limit') && b.status === 'NEW')?.count).toBe(1);
    expect(r.oldestNew?.ageSeconds).toBe(3600);
    expect(r.lastRuns.map((x) => [x.job, x.outcome])).toEqual([['pull-credit', 'ok']]);
    expect(r.quarantine.open).toBe(1);
    expect(r.quarantine.byJob).toEqual([{ job: 'push-orders', open: 1 }]);
    expect(r.rejectedByX3.rows[0]?.message).toBe('unknown payment term');
    expect(r.rejectedByX3.byTable).toEqual([{ table: 'sagesync_customer', count: 1 }]);
    // issue 19: each job's last success, null for a job that never succeeded.
    const success = r.lastSuccess.find((s) => s.job === 'pull-credit');
    expect(success?.at).not.toBeNull();
    expect(r.lastSuccess.find((s) => s.job === 'push-orders')).toEqual({
      job: 'push-orders',
      at: null,
      ageSeconds: null,
    });
    const text = formatStatus(r);
    expect(text).toContain('Oldest NEW row:');
    expect(text).toContain('60 min old');
    expect(text).toContain('Quarantined records: 1');
    expect(text).toContain('Rows X3 rejected: 1');
    expect(text).toMatch(/Last success:\n {2}pull-credit {6}\d{4}-/);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe(`status lag (${staging.dialect})`, () => {
  it('is how far behind the reads are, not the age of the last order (issue 20)', async () => {
    const lagSchema = `${schema}_lag`;
    const config = configSchema.parse({
      oro: { url: 'https://shop.example.com', clientId: 'c', clientSecret: 'secret-1' },
      staging: { ...staging, schema: lagSchema },
    });
    const store = await openStore(config);
    await store.migrate();
    const now = new Date('2026-03-01T12:00:00Z');
    // The last order changed 696 days ago; the jobs ran a minute ago and read to the end.
    await store.query(
      `INSERT INTO ${lagSchema}.sagesync_state (job, cursor_value, updated_at) VALUES
        ('push-orders', '2024-04-03T00:00:00Z', '2024-04-03T00:00:00Z'),
        ('push-customers', '2026-02-28T00:00:00Z', '2026-02-28T00:00:00Z'),
        ('stream:x', '2026-02-27T00:00:00Z', '2026-02-27T00:00:00Z')`,
    );
    const ran = async (job: string, outcome: 'ok' | 'failed', message: string | null, at: string) => {
      const id = await store.startRun({ job, command: 'run-all', host: 'h1', pid: 1 });
      await store.finishRun(id, { outcome, counts: {}, message });
      await store.query(`UPDATE ${lagSchema}.sagesync_run SET started_at = $1 WHERE staging_id = $2`, [
        at,
        id,
      ]);
    };
    await ran('push-orders', 'ok', null, '2026-03-01T11:59:00Z');
    await ran(
      'push-customers',
      'ok',
      'stopped early: the time budget of this run is spent; the next run continues',
      '2026-03-01T11:59:00Z',
    );
    await ran('stream:x', 'failed', 'Oro unreachable', '2026-03-01T11:30:00Z');
    const r = await statusOnce(config, store, now, lagSchema);
    const lag = Object.fromEntries(r.cursors.map((c) => [c.job, [c.lagSeconds, c.lagFrom]]));
    expect(lag['push-orders']).toEqual([60, 'complete-run']);
    expect(lag['push-customers']).toEqual([36 * 3600, 'cursor']);
    expect(lag['stream:x']).toEqual([1800, 'last-run']);
    const text = formatStatus(r);
    expect(text).toMatch(/push-orders .* reads behind by 60 s/);
    expect(text).not.toContain('696');
  });
});
