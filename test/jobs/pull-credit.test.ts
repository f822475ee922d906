/**
 * pull-credit against the Oro sandbox and a real staging store: final row states and the PATCHes
 * Oro received, exactly.
 */
import { describe, expect, it } from 'vitest';
import { pullCredit } from '../../src/jobs/pull-credit.js';
import { pullBackends, pullFixture, type PullEnv } from './pull-env.js';

const backends = pullBackends('pull-credit.test.ts');

function patches(env: PullEnv) {
  return env.sandbox.requests
    .filter((r) => r.method === 'PATCH')
    .map((r) => ({ path: r.path, status: r.status, attributes: JSON.parse(r.body).data.attributes }));
}

function states(rows: Record<string, unknown>[]) {
  return rows.map((r) => ({ id: String(r['staging_id']), status: r['status'], message: r['sync_message'] }));
}

describe.each(backends.map((b) => [b.name, b] as const))('pull-credit on %s', (_name, backend) => {
  const fx = pullFixture(backend);
  let env: PullEnv | undefined;

  it('applies the latest valid row per customer and marks every row with its reason', async () => {
    env = await fx.open();
    const a = env.sandbox.addCustomer({ name: 'Alpha' });
    const b = env.sandbox.addCustomer({ name: 'Beta' });
    const c = env.sandbox.addCustomer({ name: 'Gamma' });
    await env.insert('customer_map', { oro_customer_id: Number(a), erp_customer_code: 'CA' });
    await env.insert('customer_map', { oro_customer_id: Number(b), erp_customer_code: 'CB' });
    const r1 = await env.insert('credit_limit', { erp_customer_code: 'CA', credit_limit: '1000' });
    const r2 = await env.insert('credit_limit', { erp_customer_code: 'CB', credit_limit: '500.5' });
    const r3 = await env.insert('credit_limit', { erp_customer_code: 'CA', credit_limit: '2000' });
    const r4 = await env.insert('credit_limit', { erp_customer_code: 'C-UNKNOWN', credit_limit: '100' });
    const r5 = await env.insert('credit_limit', { erp_customer_code: 'CB', credit_limit: '-5' });
    const r6 = await env.insert('credit_limit', {
      erp_customer_code: 'CC',
      oro_customer_id: Number(c),
      credit_limit: '0',
    });
    const r7 = await env.insert('credit_limit', {
      erp_customer_code: 'CZ',
      oro_customer_id: 999999,
      credit_limit: '10',
    });
    const r8 = await env.insert('credit_limit', { erp_customer_code: 'CA', credit_limit: '3000.25' });

    const report = await pullCredit(env.deps(), { dryRun: false });

    expect(patches(env)).toEqual([
      { path: `/admin/api/customers/${b}`, status: 200, attributes: { creditLimit: '500.5000' } },
      { path: `/admin/api/customers/${c}`, status: 200, attributes: { creditLimit: '0.0000' } },
      { path: '/admin/api/customers/999999', status: 404, attributes: { creditLimit: '10.0000' } },
      { path: `/admin/api/customers/${a}`, status: 200, attributes: { creditLimit: '3000.2500' } },
    ]);
    expect(env.sandbox.customer(a)?.attributes['creditLimit']).toBe('3000.2500');
    expect(env.sandbox.customer(b)?.attributes['creditLimit']).toBe('500.5000');
    expect(env.sandbox.customer(c)?.attributes['creditLimit']).toBe('0.0000');

    const rows = states(await env.rows('credit_limit'));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(r1)).toMatchObject({
      status: 'DONE',
      message: expect.stringContaining(`Superseded by staging_id ${r8}`),
    });
    expect(byId.get(r3)).toMatchObject({
      status: 'DONE',
      message: expect.stringContaining(`Superseded by staging_id ${r8}`),
    });
    expect(byId.get(r8)).toMatchObject({ status: 'DONE', message: expect.stringContaining('Applied') });
    expect(byId.get(r2)).toMatchObject({ status: 'DONE' });
    expect(byId.get(r6)).toMatchObject({ status: 'DONE' });
    expect(byId.get(r4)?.status).toBe('ERROR');
    expect(byId.get(r4)?.message).toMatch(
      /Unknown X3 customer code "C-UNKNOWN".*must first be staged.*marked DONE by X3/s,
    );
    expect(byId.get(r5)?.status).toBe('ERROR');
    expect(byId.get(r5)?.message).toMatch(/negative/);
    expect(byId.get(r7)?.status).toBe('ERROR');
    expect(byId.get(r7)?.message).toMatch(/Oro customer 999999.*does not exist \(404/);
    for (const r of await env.rows('credit_limit')) expect(r['processed_at']).not.toBeNull();

    expect(report.outcome).toBe('records-failed');
    expect(report.counts).toEqual({ read: 8, written: 3, skipped: 2, failed: 3 });
    expect(report.failures.map((f) => f.id).sort()).toEqual([r4, r5, r7].sort());

    // A second run has nothing to do and sends nothing.
    const before = env.sandbox.requests.length;
    const again = await pullCredit(env.deps(), { dryRun: false });
    expect(again.counts.read).toBe(0);
    expect(env.sandbox.requests.length).toBe(before);
  });

  it('names the missing attribute and how to create it, without asking Oro once per customer', async () => {
    env = await fx.open({ config: { oro: { creditLimitField: 'credit_limit_x3' } as never } });
    const ids = [1, 2, 3].map((i) => env!.sandbox.addCustomer({ name: `C${i}` }));
    for (const [i, id] of ids.entries()) {
      await env.insert('credit_limit', {
        erp_customer_code: `K${i}`,
        oro_customer_id: Number(id),
        credit_limit: '100',
      });
    }
    const report = await pullCredit(env.deps(), { dryRun: false });
    expect(patches(env)).toEqual([
      { path: `/admin/api/customers/${ids[0]}`, status: 400, attributes: { credit_limit_x3: '100.0000' } },
    ]);
    const rows = await env.rows('credit_limit');
    for (const r of rows) {
      expect(r['status']).toBe('ERROR');
      expect(r['sync_message']).toMatch(
        /"credit_limit_x3".*Entity Management, entity Customer.*oro:api:cache:clear/s,
      );
    }
    expect(report.counts.failed).toBe(3);
  });

  it('leaves rows NEW when Oro fails mid-run, still marks what needs no Oro, and finishes next run', async () => {
    env = await fx.open();
    const ids = [1, 2, 3, 4].map((i) => env!.sandbox.addCustomer({ name: `C${i}` }));
    const rowIds: string[] = [];
    for (const [i, id] of ids.entries()) {
      rowIds.push(
        await env.insert('credit_limit', {
          erp_customer_code: `K${i}`,
          oro_customer_id: Number(id),
          credit_limit: `${i + 1}00`,
        }),
      );
    }
    const unknown = await env.insert('credit_limit', { erp_customer_code: 'NOPE', credit_limit: '1' });
    const negative = await env.insert('credit_limit', {
      erp_customer_code: 'K0',
      oro_customer_id: Number(ids[0]),
      credit_limit: '-1',
    });

    const sandbox = env.sandbox;
    // Oro starts failing (503 on every request) once two customers are applied.
    const progress = (c: { written: number }) => {
      if (c.written === 2) sandbox.setFaults({ errorRate: { 503: 1 }, retryAfterSeconds: 0 });
    };
    const report = await pullCredit(env.deps({ progress }), { dryRun: false });

    expect(report.outcome).toBe('failed');
    expect(report.error?.kind).toBe('unavailable');
    expect(report.error?.message).toMatch(/2 rows left NEW/);
    const sent = patches(env);
    // Two applied, then the third customer's PATCH with the client's retry (maxRetries 1), nothing for the fourth.
    expect(sent.map((p) => [p.path, p.status])).toEqual([
      [`/admin/api/customers/${ids[0]}`, 200],
      [`/admin/api/customers/${ids[1]}`, 200],
      [`/admin/api/customers/${ids[2]}`, 503],
      [`/admin/api/customers/${ids[2]}`, 503],
    ]);
    let rows = new Map((await env.rows('credit_limit')).map((r) => [String(r['staging_id']), r['status']]));
    expect([rowIds.map((id) => rows.get(id)), rows.get(unknown), rows.get(negative)]).toEqual([
      ['DONE', 'DONE', 'NEW', 'NEW'],
      'ERROR',
      'ERROR',
    ]);

    sandbox.setFaults({});
    const before = patches(env).length;
    const second = await pullCredit(env.deps(), { dryRun: false });
    expect(second.outcome).toBe('ok');
    expect(
      patches(env)
        .slice(before)
        .map((p) => [p.path, p.status, p.attributes]),
    ).toEqual([
      [`/admin/api/customers/${ids[2]}`, 200, { creditLimit: '300.0000' }],
      [`/admin/api/customers/${ids[3]}`, 200, { creditLimit: '400.0000' }],
    ]);
    rows = new Map((await env.rows('credit_limit')).map((r) => [String(r['staging_id']), r['status']]));
    expect(rowIds.map((id) => rows.get(id))).toEqual(['DONE', 'DONE', 'DONE', 'DONE']);
  });

  it('marks what it can decide without Oro when Oro is unreachable from the start', async () => {
    env = await fx.open();
    const ok = await env.insert('credit_limit', {
      erp_customer_code: 'K1',
      oro_customer_id: 5,
      credit_limit: '1',
    });
    const bad = await env.insert('credit_limit', {
      erp_customer_code: 'K2',
      oro_customer_id: 6,
      credit_limit: '-2',
    });
    await env.sandbox.close();
    const report = await pullCredit(env.deps(), { dryRun: false });
    expect(report.error?.kind).toBe('unavailable');
    const rows = new Map((await env.rows('credit_limit')).map((r) => [String(r['staging_id']), r['status']]));
    expect([rows.get(ok), rows.get(bad)]).toEqual(['NEW', 'ERROR']);
  });

  it('--id applies only those staging ids and says which were not NEW', async () => {
    env = await fx.open();
    const a = env.sandbox.addCustomer({ name: 'Alpha' });
    const b = env.sandbox.addCustomer({ name: 'Beta' });
    const ra = await env.insert('credit_limit', {
      erp_customer_code: 'CA',
      oro_customer_id: Number(a),
      credit_limit: '1',
    });
    const rb = await env.insert('credit_limit', {
      erp_customer_code: 'CB',
      oro_customer_id: Number(b),
      credit_limit: '2',
    });
    const report = await pullCredit(env.deps(), { dryRun: false, ids: [rb, '987654'] });
    expect(patches(env).map((p) => p.path)).toEqual([`/admin/api/customers/${b}`]);
    expect(report.message).toMatch(/staging_id 987654/);
    const rows = new Map((await env.rows('credit_limit')).map((r) => [String(r['staging_id']), r['status']]));
    expect([rows.get(ra), rows.get(rb)]).toEqual(['NEW', 'DONE']);
  });

  it('--dry-run reads the customer, writes nothing and changes no row', async () => {
    env = await fx.open();
    const a = env.sandbox.addCustomer({ name: 'Alpha' });
    await env.insert('credit_limit', {
      erp_customer_code: 'CA',
      oro_customer_id: Number(a),
      credit_limit: '42',
    });
    const report = await pullCredit(env.deps(), { dryRun: true });
    expect(patches(env)).toEqual([]);
    expect(report.plan).toEqual([
      expect.objectContaining({ action: 'patch', customer: Number(a), to: '42.0000' }),
    ]);
    expect((await env.rows('credit_limit'))[0]?.['status']).toBe('NEW');
  });
});
