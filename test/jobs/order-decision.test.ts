/**
 * push-orders' pure decision (src/jobs/mapping/order-decision.ts), driven with plain objects: no
 * Oro, no database, milliseconds. The jobs' own tests cover the same rules end to end.
 */
import { describe, expect, it } from 'vitest';
import {
  decideStaging,
  sortOrders,
  type MappedCustomer,
  type OrderPagePlan,
} from '../../src/jobs/mapping/order-decision.js';
import type { MappedOrder } from '../../src/jobs/mapping/map-order.js';
import type { OroOrder } from '../../src/oro/types.js';

type Ref = { type: string; id: string };

function order(
  id: string,
  rels: { customer?: string; parent?: string; subOrders?: string[] } = {},
): OroOrder {
  const relationships: Record<string, { data: Ref | Ref[] | null }> = {};
  if (rels.customer) relationships['customer'] = { data: { type: 'customers', id: rels.customer } };
  if (rels.parent) relationships['parent'] = { data: { type: 'orders', id: rels.parent } };
  if (rels.subOrders)
    relationships['subOrders'] = { data: rels.subOrders.map((s) => ({ type: 'orders', id: s })) };
  return {
    order: { type: 'orders', id, attributes: {}, relationships },
    lineItems: [],
    billingAddress: null,
    shippingAddress: null,
    customer: null,
    customerUser: null,
    included: new Map(),
  };
}

const yes = { qualifies: true, missing: [] };
const no = { qualifies: false, missing: [] };

function mapped(id: number, over: Partial<MappedOrder> = {}): MappedOrder {
  return { oroOrderId: id, header: { oro_order_id: id }, lines: [], problems: [], missing: [], ...over };
}

function customer(id: number, hash: string, over: Partial<MappedCustomer> = {}): MappedCustomer {
  return { row: { oro_customer_id: id, payload_hash: hash }, problems: [], missing: [], ...over };
}

const emptyPlan = (): OrderPagePlan => ({ stage: [], failures: [], skipped: [] });

describe('sortOrders', () => {
  it('skips staged orders and those not meeting the criteria, fails those the criteria could not read', () => {
    const orders = [order('1'), order('2'), order('3'), order('4')];
    const verdicts = [yes, yes, no, { qualifies: false, missing: ['customers:9'] }];
    const { plan, qualifying } = sortOrders(orders, verdicts, new Set([1]), 'split');
    expect(qualifying.map((o) => o.order.id)).toEqual(['2']);
    expect(plan.skipped).toEqual([
      { id: '1', why: 'already staged' },
      { id: '3', why: 'criteria not met' },
    ]);
    expect(plan.failures).toHaveLength(1);
    expect(plan.failures[0]?.id).toBe('4');
    expect(plan.failures[0]?.reason).toMatch(/^criteria: Oro did not return customers 9/);
  });

  it('split stages the sub-orders, main stages the main order, whatever the order they come in', () => {
    const orders = [
      order('11', { parent: '10' }),
      order('10', { subOrders: ['11', '12'] }),
      order('12', { parent: '10' }),
    ];
    const split = sortOrders(orders, [yes, yes, yes], new Set(), 'split');
    expect(split.qualifying.map((o) => o.order.id)).toEqual(['11', '12']);
    expect(split.plan.skipped).toEqual([
      { id: '10', why: expect.stringMatching(/^main order of sub-orders 11, 12/), subOrder: true },
    ]);
    const main = sortOrders(orders, [yes, yes, yes], new Set(), 'main');
    expect(main.qualifying.map((o) => o.order.id)).toEqual(['10']);
    expect(main.plan.skipped.map((k) => k.id)).toEqual(['11', '12']);
  });

  it('does not stage a sub-order of a main order staged whole before it had sub-orders', () => {
    const { plan, qualifying } = sortOrders([order('21', { parent: '20' })], [yes], new Set([20]), 'split');
    expect(qualifying).toEqual([]);
    expect(plan.skipped[0]?.why).toMatch(/staged whole before it had sub-orders/);
  });
});

describe('decideStaging', () => {
  it("stages a customer's snapshot once per page, and not when the same one is staged", () => {
    const orders = [
      order('1', { customer: '5' }),
      order('2', { customer: '5' }),
      order('3', { customer: '6' }),
    ];
    const plan = emptyPlan();
    const customers = new Map([
      ['5', customer(5, 'h5-new')],
      ['6', customer(6, 'h6')],
    ]);
    const planned = decideStaging(
      plan,
      orders,
      [mapped(1), mapped(2), mapped(3)],
      customers,
      new Map([[6, 'h6']]),
    );
    expect(plan.failures).toEqual([]);
    expect(
      plan.stage.map((p) => [p.order.oroOrderId, p.oroCustomerId, p.customerRow?.['payload_hash'] ?? null]),
    ).toEqual([
      [1, 5, 'h5-new'],
      [2, 5, null],
      [3, 6, null],
    ]);
    expect([...planned]).toEqual([[5, 'h5-new']]);
  });

  it('fails an order with every reason: its own, its customer, no customer', () => {
    const orders = [order('1', { customer: '5' }), order('2', { customer: '7' }), order('3')];
    const plan = emptyPlan();
    const customers = new Map([
      ['5', customer(5, 'h5')],
      ['7', customer(7, 'h7', { row: null, problems: ['no name'], missing: ['customergroups:3'] })],
    ]);
    const planned = decideStaging(
      plan,
      orders,
      [mapped(1, { problems: ['bad currency'], missing: ['products:4'] }), mapped(2), mapped(3)],
      customers,
      new Map(),
    );
    expect(plan.stage).toEqual([]);
    expect(planned.size).toBe(0);
    const reasons = Object.fromEntries(plan.failures.map((f) => [f.id, f.reason]));
    expect(reasons['1']).toMatch(/^bad currency; Oro did not return products 4/);
    expect(reasons['2']).toMatch(
      /^its customer 7 cannot be staged: no name; Oro did not return customergroups 3/,
    );
    expect(reasons['3']).toBe('the order has no customer');
  });

  it('stages an order whose recalled customer comes without its row only when that is the latest', () => {
    const recalled = (hash: string): MappedCustomer => ({ row: null, hash, problems: [], missing: [] });
    const plan = emptyPlan();
    const planned = decideStaging(
      plan,
      [order('1', { customer: '5' }), order('2', { customer: '6' })],
      [mapped(1), mapped(2)],
      new Map([
        ['5', recalled('h5')],
        ['6', recalled('h6')],
      ]),
      new Map([
        [5, 'h5'],
        [6, 'older'],
      ]),
    );
    expect(plan.stage.map((p) => [p.order.oroOrderId, p.customerRow])).toEqual([[1, null]]);
    // Never an order without its customer's snapshot: it fails (and is retried) instead.
    expect(plan.failures).toEqual([{ id: '2', reason: 'the snapshot of its customer 6 was not at hand' }]);
    expect(planned.size).toBe(0);
  });

  it('leaves the hashes it was given alone', () => {
    const latest = new Map([[5, 'old']]);
    decideStaging(
      emptyPlan(),
      [order('1', { customer: '5' })],
      [mapped(1)],
      new Map([['5', customer(5, 'new')]]),
      latest,
    );
    expect([...latest]).toEqual([[5, 'old']]);
  });
});
