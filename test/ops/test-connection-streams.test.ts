/**
 * test-connection's Oro part against the sandbox's version profiles (issue 16 point 7): per
 * custom stream, the resource, the filters and sorting it sends and the fields it reads or sets
 * exist on this Oro; the credit-limit field is an attribute of customers. Each failure names the
 * configured value and the key to fix. Only the Oro checks run (no database, no SMTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import type { RunContext } from '../../src/jobs/context.js';
import { createOroClient } from '../../src/oro/client.js';
import { formatChecks, testConnection } from '../../src/ops/test-connection.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox } from '../../tools/sandbox/types.js';
import { CLIENT, PRODUCTS_STREAM, RATINGS_STREAM } from '../streams/helpers.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };

async function oroReport(sandbox: Sandbox, extra: { oro?: object; streams?: unknown[] }) {
  const config = configSchema.parse({
    oro: { url: sandbox.url, ...CLIENT, maxRetries: 0, timeoutMs: 5000, ...extra.oro },
    staging: { dialect: 'embedded', path: '/nonexistent/never-opened' },
    streams: extra.streams ?? [],
  }) as Config;
  const oro = createOroClient(config, { sleep: async () => undefined });
  const ctx: RunContext = {
    config,
    logger: silent,
    clock: () => new Date(),
    openStore: () => Promise.reject(new Error('the Oro checks open no database')),
    openOro: async () => oro,
  };
  try {
    const report = await testConnection(ctx, ['oro']);
    const line = (name: string) => report.checks.find((c) => c.name === name);
    return { report, line, text: formatChecks(report).join('\n') };
  } finally {
    await oro.close();
  }
}

const USERS_PUSH = {
  name: 'contacts',
  direction: 'push',
  resource: 'customerusers',
  table: 'contact',
  key: ['oro_id'],
  columns: { oro_id: { source: 'id', type: 'integer' }, email: { source: 'email', type: 'string(255)' } },
};

describe('test-connection: custom streams and the credit-limit field', () => {
  const sandboxes: Sandbox[] = [];
  let latest: Sandbox;
  let v618: Sandbox;
  beforeAll(async () => {
    const opts = {
      clients: [CLIENT],
      seed: { orders: 2, customers: 3, products: 5, seed: 4 },
      customResourceFields: {
        customerusers: { erp_rating: 'decimal' as const, erp_rated_on: 'string' as const },
      },
    };
    latest = await startSandbox({ ...opts, apiVersion: '6.1.10' });
    v618 = await startSandbox({ ...opts, apiVersion: '6.1.8' });
    sandboxes.push(latest, v618);
    // A custom field appears on a record once it has a value in the sandbox: give the first
    // customer user (the one a page of one shows) its values.
    for (const s of sandboxes) {
      const first = s.all('customerusers')[0]!;
      s.updateResource('customerusers', first.id, {
        attributes: { erp_rating: '1.50', erp_rated_on: '2026-01-02' },
      });
    }
  });
  afterAll(async () => {
    await Promise.all(sandboxes.map((s) => s.close()));
  });

  it('streams whose resource, filters and fields exist: a ✓ line each, after the credit-limit line', async () => {
    const r = await oroReport(latest, { streams: [PRODUCTS_STREAM, RATINGS_STREAM] });
    const names = r.report.checks.map((c) => c.name);
    expect(names.slice(-3)).toEqual([
      'credit-limit attribute',
      'stream products: products',
      'stream contact-ratings: customerusers',
    ]);
    expect(
      r.report.checks.filter((c) => !c.ok),
      r.text,
    ).toEqual([]);
    expect(r.line('stream products: products')?.detail).toContain(
      'filter[updatedAt] and sort=updatedAt answer',
    );
    expect(r.line('stream contact-ratings: customerusers')?.detail).toContain('filter[externalId] answers');
  });

  it('a push stream on customer users (no updatedAt filter in Oro 6.0/6.1): ✗ naming updatedAt and the stream', async () => {
    const r = await oroReport(latest, { streams: [USERS_PUSH] });
    const l = r.line('stream contacts: customerusers');
    expect(l?.ok).toBe(false);
    expect(l?.kind).toBe('config');
    expect(l?.detail).toMatch(
      /cannot filter or sort customerusers by updatedAt \(400: .*\[filter\[updatedAt\]\[gte\]\]/,
    );
    expect(l?.fix).toContain('streams[0].mode: full');
  });

  it('the same stream in mode: full: ✓, its keyset read by id answers', async () => {
    const r = await oroReport(latest, { streams: [{ ...USERS_PUSH, mode: 'full' }] });
    const l = r.line('stream contacts: customerusers');
    expect(l?.ok, r.text).toBe(true);
    expect(l?.detail).toContain('filter[id][gt] and sort=id answer (mode: full)');
  });

  it('an unknown resource: ✗ naming it and streams[i].resource', async () => {
    const r = await oroReport(latest, { streams: [{ ...PRODUCTS_STREAM, resource: 'prodcts' }] });
    const l = r.line('stream products: prodcts');
    expect(l?.ok).toBe(false);
    expect(l?.detail).toContain('Oro has no resource "prodcts"');
    expect(l?.fix).toContain('streams[0].resource');
  });

  it('a source, a filter field and an include Oro does not have: ✗ naming each value and its key', async () => {
    const stream = {
      ...PRODUCTS_STREAM,
      filter: { statuss: 'enabled' },
      include: ['primaryUnitPrecision', 'brand'],
      columns: { ...PRODUCTS_STREAM.columns, price_hint: { source: 'priceHint', type: 'decimal(19,4)' } },
    };
    const r = await oroReport(latest, {
      streams: [PRODUCTS_STREAM, stream].map((s, i) => ({ ...s, name: `p${i}`, table: `p${i}` })),
    });
    expect(r.line('stream p0: products')?.ok).toBe(true);
    const l = r.line('stream p1: products');
    expect(l?.ok).toBe(false);
    expect(l?.detail).toContain('products have no field "brand" (streams[1].include[1])');
    expect(l?.detail).toContain('products have no field "statuss" (streams[1].filter.statuss)');
    expect(l?.detail).toContain('products have no field "priceHint" (streams[1].columns.price_hint.source)');
    expect(l?.fix).toMatch(/products have: .*sku/);
    expect(l?.fix).toContain('Entity Management');
  });

  it('a relationship attribute the included resource lacks: ✗ naming the related type', async () => {
    const stream = {
      ...PRODUCTS_STREAM,
      columns: {
        ...PRODUCTS_STREAM.columns,
        unit_code: { source: 'primaryUnitPrecision.unitt', type: 'string(50)' },
      },
    };
    const r = await oroReport(latest, { streams: [stream] });
    expect(r.line('stream products: products')?.detail).toContain(
      'productunitprecisions (the related "primaryUnitPrecision") have no field "unitt" (streams[0].columns.unit_code.source)',
    );
  });

  it('a pull stream matching by externalId on Oro 6.1.8: ✗ saying externalId exists only from 6.1.10', async () => {
    const r = await oroReport(v618, { streams: [RATINGS_STREAM] });
    const l = r.line('stream contact-ratings: customerusers');
    expect(l?.ok).toBe(false);
    expect(l?.detail).toContain('Oro cannot filter customerusers by "externalId"');
    expect(l?.detail).toContain('streams[0].match.attribute');
    expect(l?.fix).toContain('externalId exists only from Oro 6.1.10');
    // Without match.attribute (rows carry the Oro id) the same stream is fine on 6.1.8.
    const byId = await oroReport(v618, {
      streams: [{ ...RATINGS_STREAM, match: { column: 'erp_contact_code' } }],
    });
    expect(byId.line('stream contact-ratings: customerusers')?.ok).toBe(true);
  });

  it('a pull stream setting an attribute Oro does not have, or a relationship: ✗ naming streams[i].set', async () => {
    const r = await oroReport(latest, {
      streams: [{ ...RATINGS_STREAM, set: { erp_ratting: 'rating', customer: 'rated_on' } }],
    });
    const l = r.line('stream contact-ratings: customerusers');
    expect(l?.ok).toBe(false);
    expect(l?.detail).toContain('customerusers have no field "erp_ratting" (streams[0].set.erp_ratting)');
    expect(l?.detail).toContain(
      '"customer" of customerusers is a relationship, not an attribute a stream can set (streams[0].set.customer)',
    );
  });

  it('the credit-limit field: a near name is suggested; a relationship is refused; exit kind config', async () => {
    const near = await oroReport(latest, { oro: { creditLimitField: 'credit_limit' } });
    const l = near.line('credit-limit attribute');
    expect(l?.ok).toBe(false);
    expect(l?.kind).toBe('config');
    expect(l?.detail).toContain(
      'customers have no attribute "credit_limit" (oro.creditLimitField); there is "creditLimit"',
    );
    expect(l?.fix).toContain('Set oro.creditLimitField to "creditLimit"');
    const rel = await oroReport(latest, { oro: { creditLimitField: 'paymentTerm' } });
    expect(rel.line('credit-limit attribute')?.detail).toContain(
      '"paymentTerm" (oro.creditLimitField) is a relationship of customers',
    );
  });
});
