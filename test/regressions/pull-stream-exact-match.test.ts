// @module-tag hostile
/**
 * Issue 18, point 12: a pull stream's match value must name exactly one record. Values such as
 * `CU-0002,NOPE-X` (a list to Oro) and `CU-0003..CU-0003` (a range) once PATCHed customer users no
 * row asked for; now they end ERROR without any PATCH, and a record is taken only when its
 * attribute equals the value exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PullStreamDef } from '../../src/streams/types.js';
import { pullStreamJob } from '../../src/streams/pull-stream.js';
import { streamTable } from '../../src/streams/tables.js';
import { pullBackends, pullEnv, type PullEnv } from '../jobs/pull-env.js';
import { RATINGS_STREAM } from '../streams/helpers.js';

const backend = pullBackends('pull-stream-exact-match.test.ts')[0]!;
let env: PullEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('pull stream match values (issue 18)', () => {
  it('refuses list and range values and takes only an exactly equal record', async () => {
    env = await pullEnv(backend, {
      sandbox: {
        seed: { orders: 4, customers: 2 },
        customResourceFields: { customerusers: { erp_rating: 'decimal', erp_rated_on: 'string' } },
      },
      config: { streams: [RATINGS_STREAM] as never },
    });
    const e = env;
    const def = e.config.streams[0] as PullStreamDef;
    const table = streamTable(def);
    await e.store.migrate([table]);
    const users = e.sandbox.all('customerusers');
    const codes = ['CU-0002', 'CU-0003', 'NOPE-X'];
    codes.forEach((code, i) =>
      e.sandbox.updateResource('customerusers', users[i]!.id, { attributes: { externalId: code } }),
    );
    const t = e.store.tableName(table);
    const insert = async (code: string) =>
      e.store.query(`INSERT INTO ${t} (erp_contact_code, rating) VALUES ($1, 4.5)`, [code]);
    await insert('CU-0002,NOPE-X');
    await insert('CU-0003..CU-0003');
    await insert('CU-0002');
    const r = await pullStreamJob(def)(e.deps(), { dryRun: false });
    expect(r.outcome).toBe('records-failed');
    const rows = await e.store.query(`SELECT status, sync_message FROM ${t} ORDER BY staging_id`);
    expect(rows.map((x) => x['status'])).toEqual(['ERROR', 'ERROR', 'DONE']);
    expect(String(rows[0]!['sync_message'])).toContain('list or a range');
    const patched = e.sandbox.requests.filter((q) => q.method === 'PATCH').map((q) => q.path);
    expect(patched).toEqual([`/admin/api/customerusers/${users[0]!.id}`]);
  });
});
