/**
 * Regression (issue 16, point 3): a 403 on one record (a tracking on an order the OAuth user may
 * not view, a customer outside its access level) left the row NEW, first again every run, and
 * stopped every row after it. Now it is that row's ERROR, naming the role setting to fix, and the
 * other rows go on. A 403 on a list read, and a 404 that is not Oro's "An entity with the requested
 * identifier does not exist." (the Web API switched off, a wrong path), stop the job (exit 69)
 * and mark nothing ERROR. Facts: oroinc/orocommerce
 * src/Oro/Bundle/OrderBundle/Tests/Functional/Api/RestJsonApi/OrderShippingTrackingTest.php @6.1.0,
 * oroinc/platform src/Oro/Bundle/ApiBundle/Security/Http/Firewall/FeatureAccessListener.php @6.1.0.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeForSummary } from '../../src/cli/exit.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import { runJobs } from '../../src/jobs/runner.js';
import { pullBackends, pullFixture, type PullEnv } from '../jobs/pull-env.js';

const backends = pullBackends('per-record-403.test.ts');
const opts = { command: 'test', dryRun: false };

describe.each(backends.map((b) => [b.name, b] as const))('403 and 404 per record on %s', (_n, backend) => {
  const fx = pullFixture(backend);
  let env: PullEnv | undefined;

  async function twentyTrackings(version: '6.0' | '6.1.0', forbidden: string[]): Promise<PullEnv> {
    const e = await fx.open({
      sandbox: {
        apiVersion: version,
        forbidden,
        seed: { orders: 20, customers: 3, linesPerOrder: [1, 1] },
      },
    });
    for (let i = 1; i <= 20; i++) {
      await e.insert('shipment', { oro_order_id: i, carrier: 'UPS', tracking_number: `1Z${i}` });
    }
    return e;
  }

  for (const version of ['6.0', '6.1.0'] as const) {
    it(`${version}: 3 of 20 trackings on orders the user may not view → 17 DONE, 3 ERROR, exit 1; not retried`, async () => {
      env = await twentyTrackings(version, ['orders:4', 'orders:9', 'orders:17']);
      const summary = await runJobs(['pull-tracking'], env.ctx(), opts);
      expect(exitCodeForSummary(summary), JSON.stringify(summary.jobs[0]?.error)).toBe(1);
      const rows = await env.rows('shipment');
      const byStatus = (s: string) =>
        rows.filter((r) => r['status'] === s).map((r) => Number(r['oro_order_id']));
      expect(byStatus('ERROR')).toEqual([4, 9, 17]);
      expect(byStatus('DONE')).toHaveLength(17);
      for (const r of rows.filter((x) => x['status'] === 'ERROR')) {
        expect(String(r['sync_message'])).toMatch(/403.*System > User Management > Roles/s);
      }
      expect(env.sandbox.trackings('5')).toHaveLength(1);
      // The next run finds nothing NEW: no request for the refused rows, nothing changes.
      const posts = () =>
        env!.sandbox.requests.filter((q) => q.method === 'POST' && q.path.endsWith('trackings'));
      const before = posts().length;
      const next = await runJobs(['pull-tracking'], env.ctx(), opts);
      expect(exitCodeForSummary(next)).toBe(0);
      expect(posts().length).toBe(before);
      expect((await env.rows('shipment')).filter((r) => r['status'] === 'ERROR')).toHaveLength(3);
    });
  }

  it('a customer outside the access level: that credit row ERROR (Edit permission), the others applied', async () => {
    env = await fx.open({ sandbox: { seed: { orders: 1, customers: 3 }, forbidden: ['customers:2'] } });
    for (const id of [1, 2, 3]) {
      await env.insert('credit_limit', {
        erp_customer_code: `C${id}`,
        oro_customer_id: id,
        credit_limit: '100',
      });
    }
    const summary = await runJobs(['pull-credit'], env.ctx(), opts);
    expect(exitCodeForSummary(summary), JSON.stringify(summary.jobs[0]?.error)).toBe(1);
    const rows = await env.rows('credit_limit');
    expect(rows.map((r) => r['status'])).toEqual(['DONE', 'ERROR', 'DONE']);
    expect(String(rows[1]?.['sync_message'])).toMatch(/Edit permission.*Roles/s);
  });

  it('a 403 on a list read stops the job (exit 69) and leaves every row NEW', async () => {
    env = await twentyTrackings('6.1.0', []);
    env.sandbox.setFaults({ errorRate: { 403: 1 } });
    const summary = await runJobs(['pull-tracking'], env.ctx(), opts);
    expect(exitCodeForSummary(summary)).toBe(69);
    expect(summary.jobs[0]?.error?.message).toMatch(/403/);
    expect(new Set((await env.rows('shipment')).map((r) => r['status']))).toEqual(new Set(['NEW']));
  });

  it('the Web API switched off: exit 69 naming the setting and oro.apiPath, no ERROR row', async () => {
    env = await twentyTrackings('6.1.0', []);
    env.sandbox.setWebApi(false);
    const summary = await runJobs(['pull-tracking', 'pull-credit'], env.ctx(), opts);
    expect(exitCodeForSummary(summary)).toBe(69);
    expect(summary.jobs[0]?.error?.message).toMatch(/404/);
    expect(new Set((await env.rows('shipment')).map((r) => r['status']))).toEqual(new Set(['NEW']));
    // What the user reads after the message: the setting and the key to check.
    const err = await env.oro.get('orders', '1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as ServiceUnavailableError).hint).toMatch(/Web API.*oro\.apiPath/s);
  });
});
