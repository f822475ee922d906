/**
 * PATCH customers and POST shipping trackings for both API versions (orocommerce 6.1.0 CHANGELOG.md:
 * trackings link `orders` since 6.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { api, token } from './helpers.js';

describe('PATCH customers', () => {
  let sb: Sandbox;
  let t: string;
  beforeAll(async () => {
    sb = await startSandbox({
      seed: { orders: 3 },
      customCustomerFields: { creditLimit: 'money', credit_status: 'string' },
    });
    t = await token(sb);
  });
  afterAll(() => sb.close());
  const patch = (id: string, body: unknown) => api(sb, t, `customers/${id}`, { method: 'PATCH', body });

  it('sets a custom money field from a number or a numeric string and returns the full resource', async () => {
    const before = sb.customer('2')!.attributes['updatedAt'];
    const res = await patch('2', {
      data: { type: 'customers', id: '2', attributes: { creditLimit: 15000, credit_status: 'ok' } },
    });
    expect(res.status).toBe(200);
    expect(res.json.data.attributes).toMatchObject({
      creditLimit: '15000.0000',
      credit_status: 'ok',
      name: expect.any(String),
    });
    expect(res.json.data.relationships.addresses.data.length).toBeGreaterThan(0);
    expect(sb.customer('2')!.attributes['creditLimit']).toBe('15000.0000');
    expect(String(sb.customer('2')!.attributes['updatedAt']) >= String(before)).toBe(true);
    await patch('2', { data: { type: 'customers', id: '2', attributes: { creditLimit: '0.255' } } });
    expect(sb.customer('2')!.attributes['creditLimit']).toBe('0.2550');
  });

  it('answers 400 extra fields constraint to an unknown attribute', async () => {
    const res = await patch('2', { data: { type: 'customers', id: '2', attributes: { credit_limit: '1' } } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({
      status: '400',
      title: 'extra fields constraint',
      detail: 'This form should not contain extra fields: "credit_limit".',
    });
  });

  it('answers 400 to a non-numeric money, a numeric id, 409 to type or id mismatch, 404 to an unknown id', async () => {
    const money = await patch('2', {
      data: { type: 'customers', id: '2', attributes: { creditLimit: 'lots' } },
    });
    expect(money.json.errors[0]).toMatchObject({
      title: 'form constraint',
      source: { pointer: '/data/attributes/creditLimit' },
    });
    const numeric = await patch('2', { data: { type: 'customers', id: 2, attributes: {} } });
    expect(numeric.status).toBe(400);
    expect(numeric.json.errors[0].detail).toBe("The 'id' property should be a string.");
    expect((await patch('2', { data: { type: 'orders', id: '2', attributes: {} } })).status).toBe(409);
    expect((await patch('2', { data: { type: 'customers', id: '3', attributes: {} } })).status).toBe(409);
    expect((await patch('999', { data: { type: 'customers', id: '999', attributes: {} } })).status).toBe(404);
    expect((await patch('2', 'not json')).status).toBe(400);
  });
});

describe.each(['6.0', '6.1'] as const)('POST ordershippingtrackings on %s', (version) => {
  let sb: Sandbox;
  let t: string;
  beforeAll(async () => {
    sb = await startSandbox({ apiVersion: version, seed: { orders: 3 } });
    t = await token(sb);
  });
  afterAll(() => sb.close());
  const ref = { type: 'orders', id: '2' };
  const shapes = { '6.0': { order: { data: ref } }, '6.1': { orders: { data: [ref] } } };
  const other = version === '6.0' ? '6.1' : '6.0';
  const post = (relationships: unknown, attributes: unknown = { method: 'UPS', number: '1Z999' }) =>
    api(sb, t, 'ordershippingtrackings', {
      method: 'POST',
      body: { data: { type: 'ordershippingtrackings', attributes, relationships } },
    });

  it('creates with its own shape: 201, Location = data.links.self', async () => {
    const res = await post(shapes[version]);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(res.json.data.links.self);
    expect(res.json.data.attributes).toMatchObject({ method: 'UPS', number: '1Z999' });
    expect(sb.trackings('2')).toEqual([{ id: res.json.data.id, method: 'UPS', number: '1Z999' }]);
    const line = (await api(sb, t, 'orderlineitems/1')).json.data;
    expect(Object.keys(line.relationships)).toContain(version === '6.0' ? 'order' : 'orders');
  });

  it('answers 400 to the other version’s shape, blank attributes or an unknown order', async () => {
    const wrong = await post(shapes[other]);
    expect(wrong.status).toBe(400);
    expect(wrong.json.errors[0].title).toBe('extra fields constraint');
    const blank = await post(shapes[version], { method: 'UPS', number: '' });
    expect(blank.json.errors[0]).toMatchObject({
      title: 'not blank constraint',
      source: { pointer: '/data/attributes/number' },
    });
    const ghost =
      version === '6.0'
        ? { order: { data: { type: 'orders', id: '999' } } }
        : { orders: { data: [{ type: 'orders', id: '999' }] } };
    expect((await post(ghost)).status).toBe(400);
  });

  it('lists an order’s trackings as a subresource and by filter', async () => {
    const sub = await api(sb, t, 'orders/2/shippingTrackings');
    expect(sub.json.data.map((d: { attributes: { number: string } }) => d.attributes.number)).toEqual([
      '1Z999',
    ]);
    const filtered = await api(
      sb,
      t,
      `ordershippingtrackings?filter[${version === '6.0' ? 'order' : 'orders'}]=2`,
    );
    expect(filtered.json.data).toHaveLength(1);
    const wrongFilter = await api(
      sb,
      t,
      `ordershippingtrackings?filter[${version === '6.0' ? 'orders' : 'order'}]=2`,
    );
    expect(wrongFilter.status).toBe(400);
  });
});
