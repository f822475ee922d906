import { describe, expect, it } from 'vitest';
import type { JsonApiResource, OroOrder } from '../../src/oro/types.js';
import { CUSTOMER, ORDER } from '../../src/staging/tables.js';
import { column } from '../../src/staging/tables.js';
import { mapCustomer, pickBillingAddress, withContacts } from '../../src/jobs/mapping/customer-snapshot.js';
import { mapOrder } from '../../src/jobs/mapping/map-order.js';
import { mapRecord, specProblems } from '../../src/jobs/mapping/mapper.js';
import { lookupIn } from '../../src/jobs/mapping/paths.js';
import { CUSTOMER_SPEC, LINE_SUPPLIED, ORDER_LINE_SPEC, ORDER_SPEC } from '../../src/jobs/mapping/specs.js';
import { coerce, decimalText } from '../../src/jobs/mapping/values.js';

type Rels = Record<string, { type: string; id: string } | { type: string; id: string }[] | null>;
function res(
  type: string,
  id: string,
  attributes: Record<string, unknown>,
  rels: Rels = {},
): JsonApiResource {
  const relationships: JsonApiResource['relationships'] = {};
  for (const [k, v] of Object.entries(rels)) relationships[k] = { data: v };
  return { type, id, attributes, relationships };
}

function sampleOrder(over: Record<string, unknown> = {}, lineOver: Record<string, unknown> = {}): OroOrder {
  const lines = [
    res('orderlineitems', '11', {
      productSku: 'SKU-1',
      productName: 'Bolt',
      quantity: 2.5,
      productUnitCode: 'item',
      value: '12.3400',
      currency: 'USD',
      shipBy: '2026-03-04',
      ...lineOver,
    }),
    res(
      'orderlineitems',
      '10',
      { productSku: 'SKU-2', quantity: 1e-6, value: '1.0000', currency: 'USD' },
      {
        productUnit: { type: 'productunits', id: 'set' },
      },
    ),
  ];
  const bill = res(
    'orderaddresses',
    '5',
    { street: '1 Main St', city: 'Albany', postalCode: '12207', firstName: 'Ann', lastName: "O'Hara" },
    { country: { type: 'countries', id: 'US' }, region: { type: 'regions', id: 'US-NY' } },
  );
  const user = res('customerusers', '3', { email: 'ann@example.com' });
  const order = res(
    'orders',
    '42',
    {
      identifier: 'SO-42',
      poNumber: 'PO 1',
      customerNotes: null,
      currency: 'USD',
      subtotalValue: '25.6800',
      totalValue: '30.6800',
      estimatedShippingCostAmount: '5.0000',
      overriddenShippingCostAmount: null,
      shippingMethod: 'flat_rate',
      shipUntil: '2026-03-10',
      createdAt: '2026-03-01T09:15:00Z',
      updatedAt: '2026-03-01T09:16:00Z',
      ...over,
    },
    {
      customer: { type: 'customers', id: '7' },
      customerUser: { type: 'customerusers', id: '3' },
      billingAddress: { type: 'orderaddresses', id: '5' },
      shippingAddress: null,
      lineItems: lines.map((l) => ({ type: l.type, id: l.id })),
      paymentTerm: null,
    },
  );
  const included = new Map([...lines, bill, user].map((r) => [`${r.type}:${r.id}`, r]));
  return {
    order,
    lineItems: lines,
    billingAddress: bill,
    shippingAddress: null,
    customer: null,
    customerUser: user,
    included,
  };
}

const opts = {
  erpCustomerCode: 'C001',
  orderAttributes: {},
  lineAttributes: {},
  allowNegativeQuantity: false,
};

describe('decimal values stay exact strings', () => {
  it('converts JSON numbers without float arithmetic', () => {
    expect(decimalText(2.5)).toBe('2.5');
    expect(decimalText(1e-7)).toBe('0.0000001');
    expect(decimalText(1e21)).toBe('1000000000000000000000');
    expect(decimalText('789.0000')).toBe('789.0000');
    expect(decimalText('-0.50')).toBe('-0.50');
    expect(decimalText('abc')).toBeNull();
    expect(decimalText('')).toBeNull();
  });
  it('rejects a scale it would have to round and a value out of range', () => {
    const money = column(ORDER, 'total');
    expect(coerce(money, '1.00005')).toMatchObject({ ok: false });
    expect(coerce(money, '1.12340000')).toEqual({ ok: true, value: '1.12340000' });
    expect(coerce(money, '123456789012345.0000')).toMatchObject({ ok: true });
    const big = coerce(money, '1234567890123456.0000');
    expect(big.ok ? '' : big.problem).toMatch(/out of range: 16 digits .* allows 15/);
  });
  it('rejects unknown currencies, NUL, lone surrogates, never truncates', () => {
    const cur = column(ORDER, 'currency');
    expect(coerce(cur, 'USD')).toEqual({ ok: true, value: 'USD' });
    expect(coerce(cur, 'usd').ok).toBe(false);
    expect(coerce(cur, 'XYZ').ok).toBe(false);
    const po = column(ORDER, 'po_number');
    expect(coerce(po, 'a\u0000b').ok).toBe(false);
    expect(coerce(po, 'a\uD83D').ok).toBe(false);
    expect(coerce(po, 'x'.repeat(255))).toMatchObject({ ok: true });
    const long = coerce(po, 'x'.repeat(256));
    expect(long.ok ? '' : long.problem).toBe('is 256 characters long, the column holds at most 255');
    expect(coerce(po, '😀'.repeat(100))).toMatchObject({ ok: true });
  });
});

describe('specs cover the contract', () => {
  it('every required column has a source', () => {
    expect(specProblems(ORDER_SPEC)).toEqual([]);
    expect(specProblems(ORDER_LINE_SPEC, LINE_SUPPLIED)).toEqual([]);
    expect(specProblems(CUSTOMER_SPEC)).toEqual([]);
  });
});

describe('mapOrder', () => {
  it('maps header and lines in Oro order with exact values', () => {
    const o = sampleOrder();
    const m = mapOrder(o, lookupIn(o.included), {
      ...opts,
      orderAttributes: { po: 'poNumber', email: 'customerUser.email', none: 'nope' },
    });
    expect(m.problems).toEqual([]);
    expect(m.header).toMatchObject({
      oro_order_id: 42,
      order_identifier: 'SO-42',
      oro_customer_id: 7,
      erp_customer_code: 'C001',
      oro_customer_user_id: 3,
      customer_user_email: 'ann@example.com',
      currency: 'USD',
      subtotal: '25.6800',
      total: '30.6800',
      shipping_cost: '5.0000',
      payment_method: null,
      payment_status: null,
      ship_until: '2026-03-10',
      bill_region_code: 'NY',
      bill_country_code: 'US',
      bill_last_name: "O'Hara",
      ship_city: null,
      custom_attributes: JSON.stringify({ po: 'PO 1', email: 'ann@example.com', none: null }),
    });
    expect(m.header.order_created_at).toEqual(new Date('2026-03-01T09:15:00Z'));
    expect(m.lines.map((l) => [l.line_number, l.oro_line_item_id, l.sku, l.quantity, l.unit_code])).toEqual([
      [1, 11, 'SKU-1', '2.5', 'item'],
      [2, 10, 'SKU-2', '0.000001', 'set'],
    ]);
    expect(m.lines[0]?.custom_attributes).toBe('{}');
  });
  it('prefers the overridden shipping cost', () => {
    const o = sampleOrder({ overriddenShippingCostAmount: '7.5000' });
    expect(mapOrder(o, lookupIn(o.included), opts).header.shipping_cost).toBe('7.5000');
  });
  it('names the column, the line and the lengths of a bad value', () => {
    const o = sampleOrder({ poNumber: 'P'.repeat(300), currency: 'XX' }, { productSku: null });
    const m = mapOrder(o, lookupIn(o.included), opts);
    expect(m.problems).toEqual([
      'po_number (Oro poNumber) is 300 characters long, the column holds at most 255',
      expect.stringMatching(/^currency \(Oro currency\) is not an ISO 4217 currency code/),
      'line 1 (Oro line item 11): sku (Oro productSku) is required but missing',
    ]);
  });
  it('reports a related resource that was not read instead of guessing', () => {
    const o = sampleOrder();
    o.order.relationships.paymentTerm = { data: { type: 'paymentterms', id: '2' } };
    const m = mapOrder(o, lookupIn(o.included), opts);
    expect(m.missing).toEqual(['paymentterms:2']);
    const terms = new Map([['paymentterms:2', res('paymentterms', '2', { label: 'Net 30' })]]);
    expect(mapOrder(o, lookupIn(o.included, terms), opts).header.payment_method).toBe('Net 30');
  });
  it('refuses an order whose lines Oro did not all return', () => {
    const o = sampleOrder();
    o.lineItems = o.lineItems.slice(0, 1);
    expect(mapOrder(o, lookupIn(o.included), opts).problems).toContain(
      "Oro returned 1 of the order's 2 line items",
    );
  });
});

describe('customer snapshot', () => {
  const addr = (id: string, types: unknown[], city: string) =>
    res(
      'customeraddresses',
      id,
      { types, city, street: 'x', phone: '555' },
      {
        country: { type: 'countries', id: 'DE' },
        region: null,
      },
    );
  it('picks the default billing address, not a shipping one', () => {
    const a = [
      addr('1', [{ addressType: 'shipping', default: true }], 'Ship'),
      addr('2', [{ addressType: 'billing', default: false }], 'Bill'),
      addr('3', [{ addressType: 'billing', default: true }], 'DefaultBill'),
    ];
    expect(pickBillingAddress(a)?.id).toBe('3');
    expect(pickBillingAddress(a.slice(0, 2))?.id).toBe('2');
    expect(pickBillingAddress(a.slice(0, 1))).toBeNull();
  });
  it('hashes business columns only, stably', () => {
    const group = res('customergroups', '4', { name: 'Wholesale' });
    const billing = addr('3', [{ addressType: 'billing', default: true }], 'Berlin');
    const base = res(
      'customers',
      '7',
      { name: 'Acme', updatedAt: '2026-01-01T00:00:00Z' },
      {
        group: { type: 'customergroups', id: '4' },
        parent: { type: 'customers', id: '1' },
        paymentTerm: null,
      },
    );
    const lookup = lookupIn(new Map([group, billing].map((r) => [`${r.type}:${r.id}`, r])));
    const o = { reason: 'order' as const, erpCustomerCode: null, customAttributes: {}, watch: undefined };
    const m = mapCustomer(withContacts(base, billing, null), lookup, o);
    expect(m.problems).toEqual([]);
    expect(m.row).toMatchObject({
      oro_customer_id: 7,
      name: 'Acme',
      parent_oro_customer_id: 1,
      group_name: 'Wholesale',
      bill_city: 'Berlin',
      bill_country_code: 'DE',
      phone: '555',
      reason: 'order',
    });
    expect(String(m.row.payload_hash)).toMatch(/^[0-9a-f]{64}$/);
    const other = mapCustomer(
      withContacts({ ...base, attributes: { ...base.attributes, updatedAt: 'x' } }, billing, null),
      lookup,
      {
        ...o,
        reason: 'change',
        erpCustomerCode: 'C9',
      },
    );
    expect(other.row.payload_hash).toBe(m.row.payload_hash);
    const renamed = mapCustomer(
      withContacts({ ...base, attributes: { name: 'Acme 2' } }, billing, null),
      lookup,
      o,
    );
    expect(renamed.row.payload_hash).not.toBe(m.row.payload_hash);
    const watched = mapCustomer(
      withContacts({ ...base, attributes: { name: 'Acme 2' } }, billing, null),
      lookup,
      {
        ...o,
        watch: ['bill_city'],
      },
    );
    const watched2 = mapCustomer(withContacts(base, billing, null), lookup, { ...o, watch: ['bill_city'] });
    expect(watched.row.payload_hash).toBe(watched2.row.payload_hash);
  });
  it('the generic mapper maps any resource to any table (custom streams)', () => {
    const spec = { table: CUSTOMER, columns: { oro_customer_id: { path: 'id' }, name: { path: 'title' } } };
    const r = mapRecord(spec, { root: res('things', '9', { title: 'T' }), lookup: lookupIn() });
    expect(r.row).toEqual({ oro_customer_id: 9, name: 'T' });
    expect(specProblems(spec)).toEqual([
      'customer.custom_attributes is required and has no source',
      'customer.reason is required and has no source',
      'customer.payload_hash is required and has no source',
    ]);
  });
});
