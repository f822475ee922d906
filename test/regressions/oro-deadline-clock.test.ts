/**
 * Review finding 2: the runner computed run-all's time budget on its injected clock
 * (`ctx.clock`) while the Oro client compared it with `Date.now()`. A clock that is not the
 * process's (a test's, a replay's) then made the client refuse every request (a budget already
 * spent in wall-clock time) or send requests the budget no longer allowed. The client now reads
 * the budget on the clock the runner hands it with the deadline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TimeBudgetSpentError } from '../../src/errors.js';
import { runJobs } from '../../src/jobs/runner.js';
import { createOroClient } from '../../src/oro/client.js';
import { expectRejection } from '../oro/helpers.js';
import { pushBackends, pushEnv, silent, type PushEnv } from '../jobs/push-env.js';

const backend = pushBackends('oro-deadline-clock.test.ts')[0]!;
let env: PushEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const apiGets = (e: PushEnv): number =>
  e.sandbox.requests.filter((r) => r.path.startsWith('/admin/api/') && r.method === 'GET').length;

describe('the Oro client reads the time budget on the runner clock', () => {
  it('a run on a clock years behind the process still reads Oro within its budget', async () => {
    env = await pushEnv(backend, { sandbox: { seed: { orders: 12, customers: 3 } } });
    const e = env;
    // A fixed clock: the budget (60 s from 2020-01-01) is never spent on it, though it was spent
    // long ago on the process's clock.
    const fixed = new Date('2020-01-01T00:00:00Z');
    const summary = await runJobs(
      ['push-orders'],
      {
        config: e.config,
        logger: silent,
        clock: () => fixed,
        openStore: async () => e.store,
        openOro: async () => e.oro,
      },
      { command: 'run-all', dryRun: false, timeBudgetSeconds: 60 },
    );
    const r = summary.jobs[0]!;
    expect(r.message ?? '').not.toContain('time budget');
    expect(r.outcome).toBe('ok');
    expect(apiGets(e)).toBeGreaterThan(0);
    expect((await e.staged()).length).toBe(12);
  });

  it('no request starts once the given clock passes the deadline, whatever the process clock says', async () => {
    env = await pushEnv(backend, { sandbox: { seed: { orders: 2, customers: 1 } } });
    const client = createOroClient(env.config, { sleep: async () => undefined });
    try {
      let fake = 1_000;
      // On the process's clock this deadline (epoch + 2 s) is long gone; on the fake one it is ahead.
      client.setDeadline?.({ at: 2_000, now: () => fake });
      expect((await client.get('orders', '1')).data.id).toBe('1');
      const before = apiGets(env);
      fake = 2_000;
      expect(await expectRejection(client.get('orders', '2'))).toBeInstanceOf(TimeBudgetSpentError);
      expect(apiGets(env)).toBe(before);
      // And the other way round: a deadline ahead on the process clock is spent on the fake one.
      client.setDeadline?.({ at: Date.now() + 3_600_000, now: () => Date.now() + 7_200_000 });
      expect(await expectRejection(client.get('orders', '1'))).toBeInstanceOf(TimeBudgetSpentError);
      expect(apiGets(env)).toBe(before);
    } finally {
      await client.close();
    }
  });
});
