import { describe, expect, it } from 'vitest';
import { compareDecimal, evaluateCriteria, evaluateFilter } from '../../src/jobs/criteria.js';
import { lookupIn } from '../../src/jobs/mapping/paths.js';
import type { JsonApiResource, OroOrder } from '../../src/oro/types.js';
import { filterSchema } from '../../src/config/schema.js';

const customer: JsonApiResource = {
  type: 'customers',
  id: '7',
  attributes: { name: 'Acme' },
  relationships: { group: { data: { type: 'customergroups', id: '2' } } },
};
const order: JsonApiResource = {
  type: 'orders',
  id: '42',
  attributes: {
    poNumber: 'PO-1',
    customerNotes: null,
    totalValue: '100.0000',
    external: false,
    createdAt: '2026-03-01T09:15:00Z',
  },
  relationships: {
    internalStatus: { data: { type: 'orderinternalstatuses', id: 'open' } },
    customer: { data: { type: 'customers', id: '7' } },
    lineItems: {
      data: [
        { type: 'orderlineitems', id: '1' },
        { type: 'orderlineitems', id: '2' },
      ],
    },
    customerUser: { data: null },
  },
};
const lookup = lookupIn(new Map([['customers:7', customer]]));
const holds = (f: unknown): boolean => {
  const r = evaluateFilter(filterSchema.parse(f), order, lookup);
  expect(r.missing).toEqual([]);
  return r.qualifies;
};

describe('declarative criteria', () => {
  it('compares attributes, relationship ids and included attributes', () => {
    expect(holds({ internalStatus: ['open'] })).toBe(true);
    expect(holds({ internalStatus: 'cancelled' })).toBe(false);
    expect(holds({ internalStatus: ['open'], poNumber: { exists: true } })).toBe(true);
    expect(holds({ customerNotes: { exists: true } })).toBe(false);
    expect(holds({ customerNotes: null, customerUser: null })).toBe(true);
    expect(holds({ 'customer.name': 'Acme', customer: 7 })).toBe(true);
    expect(holds({ 'customer.group': { in: ['1', '2'] } })).toBe(true);
    expect(holds({ external: false })).toBe(true);
  });
  it('compares money exactly and date-times as instants', () => {
    expect(holds({ totalValue: 100 })).toBe(true);
    expect(holds({ totalValue: { gte: '99.9999', lt: 100.0001 } })).toBe(true);
    expect(holds({ totalValue: { gt: 100 } })).toBe(false);
    expect(holds({ createdAt: { gte: '2026-03-01T10:15:00+01:00' } })).toBe(true);
    expect(holds({ createdAt: { lt: '2026-03-01' } })).toBe(false);
    expect(compareDecimal('0.1', '0.10')).toBe(0);
    expect(compareDecimal('-2', '1')).toBe(-1);
    expect(compareDecimal('10', '9.99')).toBe(1);
  });
  it('to-many relationships match on any id; notIn on all', () => {
    expect(holds({ lineItems: '2' })).toBe(true);
    expect(holds({ lineItems: { notIn: ['3'] } })).toBe(true);
    expect(holds({ lineItems: { notIn: ['2'] } })).toBe(false);
    expect(holds({ lineItems: { exists: true } })).toBe(true);
    expect(holds({ lineItems: { neq: '9' } })).toBe(true);
  });
  it('asks for related resources that were not read', () => {
    const r = evaluateFilter({ 'customer.group.name': 'VIP' }, order, lookup);
    expect(r).toEqual({ qualifies: false, missing: ['customergroups:2'] });
  });
  it('accepts sync and async functions', async () => {
    const o = { order, lineItems: [], included: new Map() } as unknown as OroOrder;
    expect((await evaluateCriteria(() => true, o, lookup)).qualifies).toBe(true);
    expect((await evaluateCriteria(async (x) => (x as OroOrder).order.id === '1', o, lookup)).qualifies).toBe(
      false,
    );
    expect((await evaluateCriteria(undefined, o, lookup)).qualifies).toBe(true);
  });
});
