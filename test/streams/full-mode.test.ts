/**
 * Issue 16 point 7: a push stream over customer users, which Oro cannot filter or sort by
 * `updatedAt` (oroinc/customer-portal src/Oro/Bundle/CustomerBundle/Resources/config/oro/api.yml
 * @6.0.10 / @6.1.0; the sandbox answers 400 as Oro does). The incremental mode fails with a
 * configuration error that names `mode: full`; `mode: full` reads the whole resource by id once
 * every `everyMinutes`, continues a pass the time budget cut on the next run, and stages only the
 * rows whose values changed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { JobDeps } from '../../src/jobs/types.js';
import { pushStreamJob } from '../../src/streams/push-stream.js';
import { streamTable } from '../../src/streams/tables.js';
import type { PushStreamDef } from '../../src/streams/types.js';
import { pushBackends, pushEnv, type PushEnv } from '../jobs/push-env.js';

const backends = pushBackends('full-mode.test.ts');
const MINUTE = 60_000;

const usersStream = (extra: Record<string, unknown>) => ({
  name: 'contacts',
  direction: 'push',
  resource: 'customerusers',
  table: 'contact',
  key: ['oro_user_id'],
  columns: {
    oro_user_id: { source: 'id', type: 'integer' },
    email: { source: 'email', type: 'string(255)' },
    first_name: { source: 'firstName', type: 'string(100)' },
    oro_customer_id: { source: 'customer', type: 'integer' },
  },
  ...extra,
});

describe.each(backends)('a stream in mode: full on $name', (backend) => {
  let env: PushEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const open = async (stream: Record<string, unknown>) => {
    env = await pushEnv(backend, {
      sandbox: { seed: { orders: 0, customers: 8, seed: 16 } },
      config: { oro: { pageSize: 5 }, streams: [stream] } as never,
    });
    const def = env.config.streams[0] as PushStreamDef;
    await env.store.migrate([streamTable(def)]);
    const rows = async () =>
      env!.store.query(`SELECT * FROM ${env!.store.tableName(streamTable(def))} ORDER BY staging_id`);
    return {
      def,
      run: (deps: Partial<JobDeps> = {}) => pushStreamJob(def)(env!.deps(deps), { dryRun: false }),
      rows,
    };
  };

  it('the incremental mode on customer users names mode: full', async () => {
    const { run } = await open(usersStream({}));
    const report = await run();
    expect(report.outcome).toBe('failed');
    expect(report.message).toMatch(/streams\[0\]\.mode/);
    expect(report.message).toMatch(/Set mode: full on this stream/);
  });

  it('reads every customer user once a period, in slices, and stages only changes', async () => {
    const { run, rows } = await open(usersStream({ mode: 'full', everyMinutes: 30 }));
    const users = env!.sandbox.all('customerusers');
    expect(users.length).toBeGreaterThan(10);
    const passGets = () => env!.sandbox.requests.filter((q) => q.path.endsWith('/customerusers')).length;
    const t0 = Date.now();

    // First pass, cut by the time budget after each page: each read takes this clock 11 s on
    // and a run may take 15 s, so the second page of a run comes after its deadline.
    const slow = (base: number) => ({
      clock: () => new Date(base + 11_000 * passGets()),
      deadline: base + 11_000 * passGets() + 15_000,
    });
    let runs = 0;
    while ((await rows()).length < users.length && runs < 20) {
      const report = await run(slow(t0));
      expect(report.outcome, report.message).toBe('ok');
      runs++;
    }
    // One page (oro.pageSize 5) a run, each continued by the next run where the last one stopped.
    expect(runs).toBe(Math.ceil(users.length / 5));
    expect((await rows()).map((r) => String(r['oro_user_id']))).toEqual(users.map((u) => u.id));

    // Not due yet: no read at all.
    const before = passGets();
    expect((await run({ clock: () => new Date(t0 + 10 * MINUTE) })).outcome).toBe('ok');
    expect(passGets()).toBe(before);

    // Due: one user changed, one row staged.
    const changed = users[3]!;
    env!.sandbox.updateResource('customerusers', changed.id, { attributes: { firstName: 'Zoë' } });
    const report = await run({ clock: () => new Date(t0 + 31 * MINUTE) });
    expect(report.outcome, report.message).toBe('ok');
    const all = await rows();
    expect(all).toHaveLength(users.length + 1);
    expect(all[all.length - 1]).toMatchObject({ first_name: 'Zoë' });
    expect(String(all[all.length - 1]!['oro_user_id'])).toBe(changed.id);
  });
});

describe('mode and everyMinutes at load', () => {
  it('everyMinutes without mode: full is a problem naming the key', () => {
    const r = configSchema.safeParse({
      oro: { url: 'https://oro.example', clientId: 'x', clientSecret: 'y' },
      staging: { dialect: 'embedded', path: '/unused' },
      streams: [usersStream({ everyMinutes: 30 })],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'streams.0.everyMinutes',
      'everyMinutes applies to mode: full only; remove it or set mode: full',
    ]);
  });
});
