/**
 * The sandbox's version profiles (tools/sandbox/profile.ts) against Oro's behaviour at its release
 * tags (oroinc/platform ApiBundle, oroinc/orocommerce OrderBundle and CheckoutBundle, per tag, as
 * named in each describe), every answer also checked against the JSON:API 1.0 response schema.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../tools/sandbox/index.js';
import { api, token, type Answer } from './helpers.js';

const schema = JSON.parse(
  readFileSync(new URL('../fixtures/jsonapi-1.0-response.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
delete schema['$schema'];
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function open(o: SandboxOptions): Promise<{ s: Sandbox; t: string }> {
  sb = await startSandbox({ seed: { orders: 3 }, ...o });
  return { s: sb, t: await token(sb) };
}

/** The answer, after checking it is a JSON:API document (errors included). */
function valid(res: Answer): Answer {
  expect(validate(res.json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  return res;
}

const NO_LINKS = { headers: { 'X-Include': 'noHateoas' } };

describe('to-many cap (platform ApiBundle max_related_entities, per tag)', () => {
  for (const version of ['6.0', '6.1.0'] as const) {
    it(`${version}: an order of 250 lines lists 100, in the relationship and in include; links.next says so`, async () => {
      const { s, t } = await open({ apiVersion: version });
      const id = s.addOrder({ lines: 250 });
      const withLinks = valid(await api(s, t, `orders/${id}?include=lineItems`));
      const rel = withLinks.json.data.relationships.lineItems;
      expect(rel.data).toHaveLength(100);
      expect(rel.links.next).toBe(
        `${s.url}/admin/api/orders/${id}/relationships/lineItems?page%5Bnumber%5D=2`,
      );
      expect(
        withLinks.json.included.filter((r: { type: string }) => r.type === 'orderlineitems'),
      ).toHaveLength(100);
      // With noHateoas nothing says that the list was cut.
      const bare = valid(await api(s, t, `orders/${id}`, NO_LINKS));
      expect(bare.json.data.relationships.lineItems.data).toHaveLength(100);
      expect(bare.json.data.relationships.lineItems.links).toBeUndefined();
      // The lines themselves are all there, read by the order filter.
      const filter = version === '6.0' ? 'order' : 'orders';
      const all = valid(await api(s, t, `orderlineitems?filter[${filter}]=${id}&page[size]=-1`, NO_LINKS));
      expect(all.json.data).toHaveLength(250);
    });
  }

  for (const version of ['6.1.8', '6.1.10'] as const) {
    it(`${version}: lineItems is uncapped, other to-many relationships list up to 1000`, async () => {
      const { s, t } = await open({ apiVersion: version });
      const id = s.addOrder({ lines: 250 });
      const res = valid(await api(s, t, `orders/${id}?include=lineItems`));
      expect(res.json.data.relationships.lineItems.data).toHaveLength(250);
      expect(res.json.data.relationships.lineItems.links.next).toBeUndefined();
    });
  }

  it('a relationship endpoint is a paged list: 10 ids by default, page[size], links.next', async () => {
    const { s, t } = await open({ apiVersion: '6.0' });
    const id = s.addOrder({ lines: 130 });
    const path = `orders/${id}/relationships/lineItems`;
    const first = valid(await api(s, t, path));
    expect(first.json.data).toHaveLength(10);
    expect(first.json.links.next).toBe(`${s.url}/admin/api/${path}?page%5Bnumber%5D=2`);
    const big = valid(await api(s, t, `${path}?page[size]=100&page[number]=2`, NO_LINKS));
    expect(big.json.data).toHaveLength(30);
    expect(big.json.links).toBeUndefined();
    const all = valid(await api(s, t, `${path}?page[size]=-1`));
    expect(all.json.data).toHaveLength(130);
    expect(all.json.links.next).toBeUndefined();
  });

  it('bigOrders seeds orders of 100–250 lines', async () => {
    const { s } = await open({ apiVersion: '6.0', seed: { orders: 2, bigOrders: 3 } });
    const big = s.all('orders').slice(2);
    expect(big).toHaveLength(3);
    for (const o of big) {
      const n = (o.relationships['lineItems'] as unknown[]).length;
      expect(n).toBeGreaterThanOrEqual(100);
      expect(n).toBeLessThanOrEqual(250);
    }
  });
});

describe('fields and ids per version (orocommerce OrderBundle api.yml, per tag)', () => {
  it('status ids of 6.0 and 6.1; shippingStatus only from 6.1.0; externalId only from 6.1.10', async () => {
    const expectations = [
      { v: '6.0', statuses: ['archived', 'cancelled', 'closed', 'open', 'shipped'], ship: false, ext: false },
      {
        v: '6.1.0',
        statuses: ['cancelled', 'closed', 'open', 'pending', 'processing'],
        ship: true,
        ext: false,
      },
      {
        v: '6.1.8',
        statuses: ['cancelled', 'closed', 'open', 'pending', 'processing'],
        ship: true,
        ext: false,
      },
      {
        v: '6.1.10',
        statuses: ['cancelled', 'closed', 'open', 'pending', 'processing'],
        ship: true,
        ext: true,
      },
    ] as const;
    for (const e of expectations) {
      const { s, t } = await open({ apiVersion: e.v });
      const statuses = valid(await api(s, t, 'orderinternalstatuses'));
      expect(statuses.json.data.map((r: { id: string }) => r.id).sort()).toEqual([...e.statuses]);
      const order = valid(await api(s, t, 'orders/1')).json.data;
      expect('shippingStatus' in order.relationships, e.v).toBe(e.ship);
      expect('externalId' in order.attributes, e.v).toBe(e.ext);
      expect('externalId' in valid(await api(s, t, 'customers/1')).json.data.attributes, e.v).toBe(e.ext);
      const byExt = await api(s, t, 'customers?filter[externalId]=X');
      expect(byExt.status, e.v).toBe(e.ext ? 200 : 400);
      expect((await api(s, t, 'ordershippingstatuses')).status, e.v).toBe(e.ship ? 200 : 404);
      await s.close();
      sb = undefined;
    }
  });
});

describe('filters and paging real Oro refuses (platform GetWithFiltersTest.php, app.yml @6.1.0)', () => {
  it('customer users and addresses: 400 for filter[updatedAt] and sort=updatedAt', async () => {
    const { s, t } = await open({ apiVersion: '6.1.0' });
    for (const type of ['customerusers', 'customeraddresses']) {
      const f = valid(await api(s, t, `${type}?filter[updatedAt][gt]=2020-01-01T00:00:00Z`));
      expect(f.status).toBe(400);
      expect(f.json.errors[0]).toMatchObject({
        title: 'filter constraint',
        source: { parameter: 'filter[updatedAt][gt]' },
      });
      const o = valid(await api(s, t, `${type}?sort=updatedAt`));
      expect(o.status).toBe(400);
      expect(o.json.errors[0].title).toBe('sort constraint');
    }
  });

  it('status lists: 400 to page[size] and page[number], everything without them', async () => {
    const { s, t } = await open({ apiVersion: '6.1.0' });
    for (const type of ['orderinternalstatuses', 'orderstatuses', 'ordershippingstatuses']) {
      for (const q of ['page[size]=10', 'page[number]=1']) {
        const res = valid(await api(s, t, `${type}?${q}`));
        expect(res.status, `${type}?${q}`).toBe(400);
        expect(res.json.errors[0]).toMatchObject({
          title: 'filter constraint',
          detail: 'The filter is not supported.',
        });
      }
    }
    expect(valid(await api(s, t, 'orderinternalstatuses')).json.data).toHaveLength(5);
  });

  it('string ids: filter[id]=a,b is one literal value and matches nothing', async () => {
    const { s, t } = await open({ apiVersion: '6.1.0' });
    expect(valid(await api(s, t, 'orderinternalstatuses?filter[id]=open,closed')).json.data).toEqual([]);
    const one = valid(await api(s, t, 'orderinternalstatuses?filter[id]=open')).json.data;
    expect(one.map((r: { id: string }) => r.id)).toEqual(['open']);
    // Integer ids keep their lists.
    expect(valid(await api(s, t, 'orders?filter[id]=1,2')).json.data).toHaveLength(2);
  });
});

describe('line items by customer and customer user (orocommerce OrderBundle api.yml @6.0.10 / @6.1.0)', () => {
  it('6.1.0: filter[customer] and filter[customerUser] through the order; lists and !=', async () => {
    const { s, t } = await open({ apiVersion: '6.1.0', seed: { orders: 0, customers: 3 } });
    const a = s.addOrder({ customerId: '1', lines: 3 });
    const b = s.addOrder({ customerId: '2', lines: 2 });
    s.addOrder({ customerId: '3', lines: 4 });
    const linesOf = (o: string) =>
      (s.order(o)!.relationships['lineItems'] as { id: string }[]).map((l) => l.id).sort();
    const ids = (res: Answer) => res.json.data.map((r: { id: string }) => r.id).sort();
    const get = async (q: string) => valid(await api(s, t, `orderlineitems?${q}&page[size]=-1`));

    expect(ids(await get('filter[customer]=1'))).toEqual(linesOf(a));
    expect(ids(await get('filter[customer]=1,2'))).toEqual([...linesOf(a), ...linesOf(b)].sort());
    expect((await get('filter[customer][neq]=1')).json.data).toHaveLength(6);
    const user = s
      .all('customerusers')
      .find((u) => (u.relationships['customer'] as { id: string }).id === '2')!.id;
    s.relate('orders', a, 'customerUser', null);
    s.relate('orders', b, 'customerUser', { type: 'customerusers', id: user });
    expect(ids(await get(`filter[customerUser]=${user}`))).toEqual(linesOf(b));

    const gt = await get('filter[customer][gt]=1');
    expect(gt.status).toBe(400);
    expect(gt.json.errors[0]).toMatchObject({
      title: 'filter constraint',
      source: { parameter: 'filter[customer][gt]' },
    });
    const text = await get('filter[customer]=abc');
    expect(text.status).toBe(400);
    expect(text.json.errors[0]).toMatchObject({
      title: 'unexpected value exception',
      source: { parameter: 'filter[customer]' },
    });
  });

  it('6.0: neither filter exists (400 "The filter is not supported.")', async () => {
    const { s, t } = await open({ apiVersion: '6.0' });
    for (const f of ['customer', 'customerUser']) {
      const res = valid(await api(s, t, `orderlineitems?filter[${f}]=1`));
      expect(res.status, f).toBe(400);
      expect(res.json.errors[0]).toMatchObject({
        title: 'filter constraint',
        detail: 'The filter is not supported.',
        source: { parameter: `filter[${f}]` },
      });
    }
  });
});

describe('per-record ACL and the Web API switch (OrderShippingTrackingTest.php, FeatureAccessListener.php @6.1.0)', () => {
  it('a forbidden record: 403 on GET, PATCH and a tracking POST; left out of lists', async () => {
    const { s, t } = await open({ apiVersion: '6.1.0', forbidden: ['orders:2', 'customers:1'] });
    const get = valid(await api(s, t, 'orders/2'));
    expect(get.status).toBe(403);
    expect(get.json.errors[0]).toMatchObject({
      title: 'access denied exception',
      detail: 'No access to the entity.',
    });
    expect((await api(s, t, 'orders/2/shippingTrackings')).status).toBe(403);
    const patch = await api(s, t, 'customers/1', {
      method: 'PATCH',
      body: { data: { type: 'customers', id: '1', attributes: { creditLimit: '1' } } },
    });
    expect(patch.status).toBe(403);
    const post = valid(
      await api(s, t, 'ordershippingtrackings', {
        method: 'POST',
        body: {
          data: {
            type: 'ordershippingtrackings',
            attributes: { method: 'UPS', number: '1Z' },
            relationships: { orders: { data: [{ type: 'orders', id: '2' }] } },
          },
        },
      }),
    );
    expect(post.status).toBe(403);
    expect(post.json.errors[0]).toMatchObject({
      title: 'access granted constraint',
      source: { pointer: '/data/relationships/orders/data/0' },
    });
    const list = valid(await api(s, t, 'orders'));
    expect(list.json.data.map((r: { id: string }) => r.id)).toEqual(['1', '3']);
  });

  it('Web API off: 404 everywhere, not a JSON:API answer; the token endpoint still answers', async () => {
    const { s, t } = await open({ webApi: false });
    for (const path of ['orders', 'orders/1', 'customers?page[size]=1']) {
      const res = await api(s, t, path);
      expect(res.status).toBe(404);
      expect(res.json).toBeUndefined();
    }
    s.setWebApi(true);
    expect((await api(s, t, 'orders')).status).toBe(200);
  });

  it('a missing record is a 404 with the exact detail sagesync keys on', async () => {
    const { s, t } = await open({});
    const res = valid(await api(s, t, 'orders/999'));
    expect(res.json.errors[0].detail).toBe('An entity with the requested identifier does not exist.');
  });

  it('a non-default backend prefix: the API under it, nothing under /admin/api, the token at the root', async () => {
    const { s, t } = await open({ backendPrefix: '/backoffice' });
    const res = valid(await api(s, t, 'orders/1', { apiPath: '/backoffice/api/' }));
    expect(res.json.data.links.self).toBe(`${s.url}/backoffice/api/orders/1`);
    expect((await api(s, t, 'orders/1')).status).toBe(404);
  });
});

describe('sub-orders and kit lines (CheckoutToOrderConverter.php, kitItemLineItems @6.1.0)', () => {
  it('a split order: the main order and each sub-order are all listed, linked by parent/subOrders', async () => {
    const { s, t } = await open({ apiVersion: '6.1.0', seed: { orders: 1 } });
    const { main, subs } = s.addSplitOrder({ groups: [2, 3] });
    const list = valid(await api(s, t, 'orders?page[size]=-1')).json.data as {
      id: string;
      relationships: Record<string, { data: unknown }>;
    }[];
    expect(list.map((o) => o.id)).toEqual(['1', main, ...subs]);
    const m = list.find((o) => o.id === main)!;
    expect(m.relationships['subOrders']!.data).toEqual(subs.map((id) => ({ type: 'orders', id })));
    expect((m.relationships['lineItems']!.data as unknown[]).length).toBe(5);
    for (const id of subs) {
      expect(list.find((o) => o.id === id)!.relationships['parent']!.data).toEqual({
        type: 'orders',
        id: main,
      });
    }
  });

  it('a kit line lists its components as orderproductkititemlineitems', async () => {
    const { s, t } = await open({ apiVersion: '6.1.0', seed: { orders: 1 } });
    const id = s.addOrder({ lines: 2, kitLines: 1 });
    const res = valid(await api(s, t, `orders/${id}?include=lineItems.kitItemLineItems`));
    const kits = res.json.included.filter((r: { type: string }) => r.type === 'orderproductkititemlineitems');
    expect(kits.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(kits[0].attributes)).toEqual(
      expect.arrayContaining([
        'productSku',
        'productName',
        'quantity',
        'productUnitCode',
        'value',
        'currency',
      ]),
    );
  });
});
