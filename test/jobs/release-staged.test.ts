/** A staged plan entry lets go of its rows (releaseStaged in order-decision.ts says why). */
import { describe, expect, it } from 'vitest';
import { releaseStaged, type PlannedOrder } from '../../src/jobs/mapping/order-decision.js';

describe('releaseStaged', () => {
  it('leaves the entry its ids and drops its header, lines and customer row', () => {
    const lines = [{ oro_line_item_id: 1 }, { oro_line_item_id: 2 }];
    const header = { oro_order_id: 7, order_identifier: 'SO-7' };
    const p: PlannedOrder = {
      order: { oroOrderId: 7, header, lines, problems: [], missing: [] },
      oroCustomerId: 3,
      customerRow: { oro_customer_id: 3 },
    };
    releaseStaged(p);
    expect(p.order.oroOrderId).toBe(7);
    expect(p.oroCustomerId).toBe(3);
    expect(p.order.lines).toHaveLength(0);
    expect(lines).toHaveLength(0); // the very array, not a copy swapped in
    expect(p.order.header).toEqual({});
    expect(p.order.header).not.toBe(header);
    expect(p.customerRow).toBeNull();
  });
});
