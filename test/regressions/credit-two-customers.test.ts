// @module-tag hostile
/**
 * Issue 18, point 20: a credit row whose `oro_customer_id` and `erp_customer_code` name different
 * customers used to be applied to the id's customer silently. Against the Oro sandbox and a real
 * store: such a row ends ERROR naming the id, the code and the customer each resolves to, and
 * nothing is sent to Oro for it; rows whose id and code agree, or whose code the map does not
 * know yet next to an id it does not know either, are applied. The code and id lookups stay two
 * batched statements per window, whatever the number of rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullCredit } from '../../src/jobs/pull-credit.js';
import type { StagingStore } from '../../src/staging/store.js';
import { pullBackends, pullEnv, type PullEnv } from '../jobs/pull-env.js';

const backend = pullBackends('credit-two-customers.test.ts')[0]!;

/** The store, counting the customer-map lookups pull-credit makes. */
function counting(store: StagingStore): { store: StagingStore; lookups: string[] } {
  const lookups: string[] = [];
  const counted = new Set(['customerIdsForCodes', 'customerCodes']);
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const fn = v as (...a: unknown[]) => unknown;
      return (...args: unknown[]) => {
        if (counted.has(String(prop))) lookups.push(String(prop));
        return fn.apply(target, args);
      };
    },
  });
  return { store: proxy, lookups };
}

describe('a credit row naming two customers (issue 18, point 20)', () => {
  let env: PullEnv;
  const c: Record<string, string> = {};
  beforeAll(async () => {
    env = await pullEnv(backend);
    for (const name of ['a', 'b', 'c', 'd']) c[name] = env.sandbox.addCustomer({ name: `Customer ${name}` });
    await env.insert('customer_map', { oro_customer_id: Number(c.a), erp_customer_code: 'CA' });
    await env.insert('customer_map', { oro_customer_id: Number(c.b), erp_customer_code: 'CB' });
  }, 120_000);
  afterAll(async () => env?.close(), 60_000);

  it('is ERROR naming both, is never applied, and the agreeing rows are', async () => {
    const id = (name: string) => Number(c[name]);
    const credit = (customer: string | null, code: string, limit: string) =>
      env.insert('credit_limit', {
        ...(customer === null ? {} : { oro_customer_id: id(customer) }),
        erp_customer_code: code,
        credit_limit: limit,
      });
    const rows = {
      idAcodeB: await credit('a', 'CB', '100'),
      idAunknownCode: await credit('a', 'C-NEW', '200'),
      unmappedIdCodeB: await credit('d', 'CB', '300'),
      agree: await credit('b', 'CB', '400'),
      neitherKnown: await credit('c', 'C-LATER', '500'),
      codeOnly: await credit(null, 'CA', '600'),
    };
    // Many more rows in the same window: the lookups must not grow with them.
    for (let i = 0; i < 40; i++) await credit('c', `X-${i}`, '1');
    const { store, lookups } = counting(env.store);
    const report = await pullCredit(env.deps({ store }), { dryRun: false });

    const byId = new Map((await env.rows('credit_limit')).map((r) => [String(r['staging_id']), r]));
    const state = (sid: string) => ({
      status: byId.get(sid)?.['status'],
      message: byId.get(sid)?.['sync_message'],
    });
    expect(state(rows.idAcodeB)).toEqual({
      status: 'ERROR',
      message:
        `oro_customer_id and erp_customer_code name different customers: oro_customer_id ${c.a} is ` +
        `Oro customer ${c.a}, X3 code "CA", while erp_customer_code "CB" is Oro customer ${c.b} ` +
        `(customer map, sagesync_customer_map). Nothing was applied. Correct the row (or leave ` +
        `oro_customer_id empty to go by the code), then set it back to NEW.`,
    });
    expect(state(rows.idAunknownCode)).toMatchObject({ status: 'ERROR' });
    expect(state(rows.idAunknownCode).message).toContain(
      `oro_customer_id ${c.a} is Oro customer ${c.a}, X3 code "CA", while erp_customer_code "C-NEW" is mapped to no Oro customer`,
    );
    expect(state(rows.unmappedIdCodeB).message).toContain(
      `oro_customer_id ${c.d} is Oro customer ${c.d}, which has no X3 code in the map, while erp_customer_code "CB" is Oro customer ${c.b}`,
    );
    expect(state(rows.agree).status).toBe('DONE');
    expect(state(rows.codeOnly).status).toBe('DONE');
    // Customer c: the code is not mapped yet and neither is the id; the last of its rows wins.
    expect(state(rows.neitherKnown)).toMatchObject({
      status: 'DONE',
      message: expect.stringContaining('Superseded'),
    });

    // Oro got exactly the agreeing values: nothing for a, from the conflicting rows, nor for d.
    expect(env.sandbox.customer(c.a!)?.attributes['creditLimit']).toBe('600.0000');
    expect(env.sandbox.customer(c.b!)?.attributes['creditLimit']).toBe('400.0000');
    expect(env.sandbox.customer(c.c!)?.attributes['creditLimit']).toBe('1.0000');
    expect(env.sandbox.customer(c.d!)?.attributes['creditLimit'] ?? null).toBeNull();
    const patched = env.sandbox.requests.filter((r) => r.method === 'PATCH').map((r) => r.path);
    expect(patched.sort()).toEqual([c.a, c.b, c.c].map((x) => `/admin/api/customers/${x}`).sort());
    expect(report.outcome).not.toBe('failed');
    expect(lookups.filter((l) => l === 'customerIdsForCodes')).toHaveLength(1);
    expect(lookups.filter((l) => l === 'customerCodes')).toHaveLength(1);
  });
});
