/**
 * A pull stream stopped by the time budget (or a signal) in the middle of its last window left
 * the rest of that window NEW and said nothing: the loop notes a stop only before its next
 * window, and a window shorter than the limit has no next one. The report of a pull-credit or
 * pull-tracking run that stops says so; a pull stream's must too (`sagesync status` and the
 * operator read that note to know the backlog is not done).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { streamTable } from '../../src/streams/tables.js';
import { pullStreamJob } from '../../src/streams/pull-stream.js';
import type { PullStreamDef } from '../../src/streams/types.js';
import { pullBackends, pullEnv, type PullEnv } from '../jobs/pull-env.js';

const backend = pullBackends('pull-stream-stop-note.test.ts')[0]!;

const STREAM = {
  name: 'contact-ratings',
  direction: 'pull',
  resource: 'customerusers',
  table: 'contact_rating',
  columns: { erp_contact_code: { type: 'string(30)', required: true }, rating: { type: 'decimal(5,2)' } },
  match: { column: 'erp_contact_code', attribute: 'externalId' },
  set: { erp_rating: 'rating' },
};

describe('a pull stream stopped inside its last window', () => {
  let env: PullEnv | undefined;
  afterAll(async () => {
    await env?.close();
  });

  it('notes the stop and what is left, as pull-credit does', async () => {
    env = await pullEnv(backend, {
      sandbox: {
        seed: { orders: 0, customers: 3, products: 0, seed: 3 },
        customResourceFields: { customerusers: { erp_rating: 'decimal' } },
      },
      config: { streams: [STREAM] } as never,
    });
    const config = configSchema.parse({ ...env.config, streams: [STREAM] }) as Config;
    const def = config.streams?.[0] as PullStreamDef;
    const table = streamTable(def);
    await env.store.migrate([table]);
    const users = env.sandbox.all('customerusers');
    for (const [i, u] of users.slice(0, 3).entries())
      env.sandbox.updateResource('customerusers', u.id, { attributes: { externalId: `X3-C-${i}` } });
    const t = env.store.tableName(table);
    for (let i = 0; i < 3; i++) {
      await env.store.query(
        `INSERT INTO ${t} (erp_contact_code, rating) VALUES (${backend.p(1)}, ${backend.p(2)})`,
        [`X3-C-${i}`, '4.00'],
      );
    }
    // The budget is spent once the first row is applied: the loop's check before the window
    // and the check before the first row pass, the one before the second row does not.
    let readings = 0;
    const start = Date.now();
    const clock = (): Date => new Date(start + (readings++ < 3 ? 0 : 60_000));
    const report = await pullStreamJob(def)(env.deps({ config, clock, deadline: start + 50_000 }), {
      dryRun: false,
    });
    const rows = (await env.store.query(`SELECT status FROM ${t} ORDER BY staging_id`)) as {
      status: string;
    }[];
    const statuses = rows.map((r) => r.status);
    // The premise: the run stopped inside the window, leaving rows NEW.
    expect(statuses).toContain('NEW');
    expect(statuses).toContain('DONE');
    const left = statuses.filter((s) => s === 'NEW').length;
    expect(report.outcome).toBe('ok');
    expect(report.message).toMatch(/time budget/);
    expect(report.message).toContain(`${left} row`);
  });
});
