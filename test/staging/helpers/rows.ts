/** Contract rows for store tests: an order with tricky values, its lines, the write of both. */
import type { Row, TableWrite } from '../../../src/staging/store.js';
import { ORDER, ORDER_LINE } from '../../../src/staging/tables.js';

export const order = (id: number, extra: Row = {}): Row => ({
  oro_order_id: id,
  order_identifier: `SO-${id}`,
  oro_customer_id: 7,
  currency: 'EUR',
  subtotal: '789.0000',
  total: '12345678901234.5678',
  order_created_at: new Date('2026-03-04T05:06:07.891Z'),
  ship_until: '2026-12-31',
  po_number: `PO "quoted" 'single'; DROP TABLE x; -- ü 🚀`,
  custom_attributes: '{"a":1}',
  ...extra,
});
export const line = (orderId: number, n: number, extra: Row = {}): Row => ({
  oro_order_id: orderId,
  oro_line_item_id: orderId * 100 + n,
  line_number: n,
  sku: `SKU-${n}`,
  quantity: '2.500000',
  unit_price: '0.0001',
  custom_attributes: '{}',
  ...extra,
});
export function orderWrite(orders: Row[], lines: Map<number, Row[]>): TableWrite {
  return {
    table: ORDER,
    rows: orders,
    conflictColumns: ['oro_order_id'],
    children: {
      table: ORDER_LINE,
      foreignKey: 'order_staging_id',
      parentKey: 'oro_order_id',
      conflictColumns: ['order_staging_id', 'oro_line_item_id'],
      rowsByParent: lines,
    },
  };
}
