/**
 * Reading: wire format, paging links, total count, filters, sort, include, fields
 * (https://doc.oroinc.com/api/filters/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { api, token } from './helpers.js';

let sb: Sandbox;
let t: string;
beforeAll(async () => {
  sb = await startSandbox({ seed: { orders: 25, customers: 6, sameUpdatedAt: 5, seed: 9 } });
  t = await token(sb);
});
afterAll(() => sb.close());
const get = (path: string, headers?: Record<string, string>) => api(sb, t, path, headers ? { headers } : {});
const ids = (doc: { data: { id: string }[] }) => doc.data.map((d) => d.id);

describe('wire format', () => {
  it('uses string ids, keeps nulls, money as 4-decimal strings and UTC second timestamps', async () => {
    const { json } = await get('orders/1?include=lineItems');
    const o = json.data;
    expect(o.id).toBe('1');
    expect(o.links.self).toBe(`${sb.url}/admin/api/orders/1`);
    expect(o.attributes).toHaveProperty('shipUntil', null);
    expect(o.attributes.subtotalValue).toMatch(/^\d+\.\d{4}$/);
    expect(o.attributes.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(o.relationships.customer.data).toEqual({ type: 'customers', id: expect.any(String) });
    expect(o.relationships.customer.links.related).toBe(`${sb.url}/admin/api/orders/1/customer`);
    expect(o.relationships.status).toEqual(expect.objectContaining({ data: null }));
    for (const line of json.included) {
      expect(line.type).toBe('orderlineitems');
      expect(line.attributes.value).toMatch(/^\d+\.\d{4}$/);
      expect(typeof line.attributes.quantity).toBe('number');
      expect(line.relationships.orders.data).toEqual([{ type: 'orders', id: '1' }]);
    }
    // The subtotal is the exact decimal sum of quantity × price.
    const sum = json.included.reduce(
      (acc: bigint, l: { attributes: { quantity: number; value: string } }) =>
        acc + BigInt(l.attributes.quantity) * BigInt(l.attributes.value.replace('.', '')),
      0n,
    );
    expect(BigInt(o.attributes.subtotalValue.replace('.', ''))).toBe(sum);
  });

  it('answers 404 with an error object for an unknown id', async () => {
    const res = await get('orders/9999');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      errors: [
        {
          status: '404',
          title: 'not found http exception',
          detail: 'An entity with the requested identifier does not exist.',
        },
      ],
    });
  });
});

describe('paging and links', () => {
  it('pages by 10 by default; next only when more; first/prev only from page 2', async () => {
    const p1 = (await get('orders')).json;
    expect(ids(p1)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(p1.links.self).toBe(`${sb.url}/admin/api/orders`);
    expect(p1.links.next).toBe(`${sb.url}/admin/api/orders?page%5Bnumber%5D=2`);
    expect(p1.links.first).toBeUndefined();
    expect(p1.links.prev).toBeUndefined();
    const p2 = (await get('orders?page[number]=2')).json;
    expect(p2.links.first).toBe(`${sb.url}/admin/api/orders`);
    expect(p2.links.prev).toBe(`${sb.url}/admin/api/orders`);
    const p3 = (await get('orders?page[number]=3&filter[id][gt]=0')).json;
    expect(ids(p3)).toEqual(['21', '22', '23', '24', '25']);
    expect(p3.links.next).toBeUndefined();
    expect(p3.links.prev).toBe(`${sb.url}/admin/api/orders?filter[id][gt]=0&page%5Bnumber%5D=2`);
    const exact = (await get('orders?page[size]=25')).json;
    expect(exact.data).toHaveLength(25);
    expect(exact.links.next).toBeUndefined();
    expect((await get('orders?page[size]=-1')).json.data).toHaveLength(25);
  });

  it('reports the total count on request and drops links with noHateoas', async () => {
    const res = await get('orders?page[size]=2', { 'X-Include': 'totalCount;noHateoas' });
    expect(res.headers.get('x-include-total-count')).toBe('25');
    expect(res.json.links).toBeUndefined();
    expect(res.json.data[0].links).toBeUndefined();
    expect((await get('orders')).headers.get('x-include-total-count')).toBeNull();
  });
});

describe('filters', () => {
  const count = async (q: string) => (await get(`orders?page[size]=-1&${q}`)).json.data.length as number;
  it('supports eq, neq, lt, lte, gt, gte, lists and ranges on ids', async () => {
    expect(await count('filter[id]=3')).toBe(1);
    expect(await count('filter[id][neq]=3')).toBe(24);
    expect(await count('filter[id][lt]=3')).toBe(2);
    expect(await count('filter[id][lte]=3')).toBe(3);
    expect(await count('filter[id][gt]=20')).toBe(5);
    expect(await count('filter[id][gte]=20')).toBe(6);
    expect(await count('filter[id]=3,5,7')).toBe(3);
    expect(await count('filter[id]=3..7')).toBe(5);
  });
  it('supports the short operator syntax', async () => {
    expect(await count(`${encodeURIComponent('filter[id]>20')}`)).toBe(5);
    expect(await count(`filter[id]>=20`)).toBe(6);
    expect(await count(`filter[id]!=3`)).toBe(24);
    expect(await count(`filter[id]<=3`)).toBe(3);
  });
  it('compares datetimes, whole periods for partial values with =', async () => {
    const all = (await get('orders?page[size]=-1')).json.data as { attributes: { updatedAt: string } }[];
    const t = all[0]!.attributes.updatedAt;
    const expected = all.filter((o) => o.attributes.updatedAt > t).length;
    expect(await count(`filter[updatedAt][gt]=${t}`)).toBe(expected);
    expect(await count(`filter[updatedAt]=${t.slice(0, 10)}`)).toBe(
      all.filter((o) => o.attributes.updatedAt.startsWith(t.slice(0, 10))).length,
    );
    expect(await count(`filter[updatedAt]=${t.slice(0, 10)}T00:00:00%2B23:00`)).toBe(0);
  });
  it('filters by association and exists', async () => {
    const withUser = await count('filter[customerUser][exists]=true');
    const without = await count('filter[customerUser][exists]=no');
    expect(withUser + without).toBe(25);
    const byCustomer = (await get('orders?page[size]=-1&filter[customer]=1')).json.data;
    for (const o of byCustomer) expect(o.relationships.customer.data.id).toBe('1');
    const billing = (await get('customeraddresses?page[size]=-1&filter[addressType]=billing')).json.data;
    expect(billing.length).toBeGreaterThan(0);
  });
  it('answers 400 with source.parameter to unknown filters and bad values', async () => {
    const unknown = await get('orders?filter[nope]=1');
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0]).toEqual({
      status: '400',
      title: 'filter constraint',
      detail: 'The filter is not supported.',
      source: { parameter: 'filter[nope]' },
    });
    const bad = await get('orders?filter[id]=aaa');
    expect(bad.json.errors[0]).toMatchObject({
      title: 'unexpected value exception',
      source: { parameter: 'filter[id]' },
    });
  });
});

describe('sort, include and fields', () => {
  it('sorts by several fields, - for descending; unknown sort is a 400', async () => {
    const desc = (await get('orders?sort=-id&page[size]=3')).json;
    expect(ids(desc)).toEqual(['25', '24', '23']);
    const multi = (await get('orders?sort=updatedAt,-id&page[size]=-1')).json.data as {
      id: string;
      attributes: { updatedAt: string };
    }[];
    for (let i = 1; i < multi.length; i++) {
      const [a, b] = [multi[i - 1]!, multi[i]!];
      expect(a.attributes.updatedAt <= b.attributes.updatedAt).toBe(true);
      if (a.attributes.updatedAt === b.attributes.updatedAt)
        expect(Number(a.id)).toBeGreaterThan(Number(b.id));
    }
    const bad = await get('orders?sort=poNumber');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0]).toMatchObject({ title: 'sort constraint', source: { parameter: 'sort' } });
  });
  it('includes related resources once and honours fields[type]', async () => {
    const doc = (
      await get(
        'orders?page[size]=5&include=customer,lineItems&fields[orders]=identifier,customer&fields[customers]=name',
      )
    ).json;
    expect(Object.keys(doc.data[0].attributes)).toEqual(['identifier']);
    expect(Object.keys(doc.data[0].relationships)).toEqual(['customer']);
    const types = new Set(doc.included.map((r: { type: string }) => r.type));
    expect(types).toEqual(new Set(['customers'])); // lineItems not named in fields[orders]
    const keys = doc.included.map((r: { type: string; id: string }) => `${r.type}:${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(doc.included[0].attributes)).toEqual(['name']);
  });
  it('serves subresources and relationship endpoints', async () => {
    const lines = (await get('orders/2/lineItems?page[size]=-1')).json;
    const own = (await get('orders/2')).json.data.relationships.lineItems.data;
    expect(ids(lines)).toEqual(own.map((r: { id: string }) => r.id));
    // A relationship endpoint pages like a list (10 by default; sandbox-profiles.test.ts).
    const rel = (await get('orders/2/relationships/lineItems?page[size]=-1')).json;
    expect(rel.data).toEqual(own);
    expect((await get('orders/2/customer')).json.data.type).toBe('customers');
  });
});
