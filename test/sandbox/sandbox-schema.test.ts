/**
 * Every kind of sandbox response validated against the JSON:API 1.0 response schema. The schema
 * declares draft 2020-12 but is written in draft-06/07 terms (`definitions`, `dependencies`), so
 * it is compiled with Ajv's draft-07 class after dropping `$schema`.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { api, token, type Answer } from './helpers.js';

const schema = JSON.parse(
  readFileSync(new URL('../fixtures/jsonapi-1.0-response.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
delete schema['$schema'];
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

let sb: Sandbox;
let t: string;
beforeAll(async () => {
  sb = await startSandbox({ seed: { orders: 12, longStrings: true } });
  t = await token(sb);
});
afterAll(() => sb.close());

function valid(res: Answer): void {
  const ok = validate(res.json);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(ok).toBe(true);
}

describe('JSON:API schema', () => {
  it('the validator rejects a non-JSON:API document (it can fail)', () => {
    expect(validate({ data: { id: 1 } })).toBe(false);
  });
  it('single resources, with and without links, with included', async () => {
    valid(await api(sb, t, 'orders/1'));
    valid(
      await api(sb, t, 'orders/1?include=lineItems,customer,customerUser,billingAddress,shippingAddress'),
    );
    valid(await api(sb, t, 'customers/1', { headers: { 'X-Include': 'noHateoas' } }));
  });
  it('collections with links, included, fields, empty collections', async () => {
    for (const type of [
      'customers',
      'customerusers',
      'customeraddresses',
      'orders',
      'orderlineitems',
      'orderaddresses',
      'orderinternalstatuses',
    ]) {
      valid(await api(sb, t, `${type}?page[number]=2&page[size]=3`));
    }
    valid(await api(sb, t, 'orders?include=lineItems,customer&page[size]=5'));
    valid(await api(sb, t, 'orders?fields[orders]=identifier'));
    valid(await api(sb, t, 'orders?filter[id]=999'));
    valid(await api(sb, t, 'ordershippingtrackings', { headers: { 'X-Include': 'noHateoas' } }));
  });
  it('subresources and relationship endpoints', async () => {
    valid(await api(sb, t, 'orders/1/lineItems'));
    valid(await api(sb, t, 'orders/1/customer'));
    valid(await api(sb, t, 'orders/1/relationships/lineItems'));
  });
  it('errors and created resources', async () => {
    valid(await api(sb, t, 'orders/999'));
    valid(await api(sb, t, 'orders?filter[nope]=1'));
    valid(await api(sb, t, 'orders?sort=nope'));
    valid(await api(sb, t, 'orders', { method: 'DELETE' }));
    const created = await api(sb, t, 'ordershippingtrackings', {
      method: 'POST',
      body: {
        data: {
          type: 'ordershippingtrackings',
          attributes: { method: 'DHL', number: 'X1' },
          relationships: { orders: { data: [{ type: 'orders', id: '1' }] } },
        },
      },
    });
    expect(created.status).toBe(201);
    valid(created);
    const patched = await api(sb, t, 'customers/1', {
      method: 'PATCH',
      body: { data: { type: 'customers', id: '1', attributes: { creditLimit: 5 } } },
    });
    valid(patched);
    valid(
      await api(sb, t, 'customers/1', {
        method: 'PATCH',
        body: { data: { type: 'customers', id: '1', attributes: { x: 5 } } },
      }),
    );
  });
});
