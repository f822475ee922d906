/** The X3 simulator's report as readable text (its CLI and the demo print this). */
import { section } from '../demo/table.js';
import type { X3Report } from './simulator.js';

export function formatX3Report(r: X3Report): string {
  const parts = [
    section(
      'Customers X3 processed (sagesync_customer)',
      ['staging_id', 'oro customer', 'name', 'status', 'X3 code / message'],
      r.customers.map((c) => [
        c.stagingId,
        c.oroCustomerId,
        c.name,
        c.message === null ? 'DONE' : 'ERROR',
        c.code ?? c.message,
      ]),
    ),
    section(
      'Orders X3 processed (sagesync_order)',
      ['staging_id', 'oro order', 'identifier', 'status', 'X3 order / message'],
      r.orders.map((o) => [
        o.stagingId,
        o.oroOrderId,
        o.identifier,
        o.message === null ? 'DONE' : 'ERROR',
        o.number ?? o.message,
      ]),
    ),
    section(
      'Credit limits X3 wrote (sagesync_credit_limit)',
      ['X3 code', 'oro customer', 'credit limit', ''],
      r.creditLimits.map((c) => [c.code, c.oroCustomerId, c.limit, Number(c.limit) === 0 ? 'on hold' : '']),
    ),
    section(
      'Shipments X3 wrote (sagesync_shipment)',
      ['X3 order', 'delivery', 'carrier', 'tracking number'],
      r.shipments.map((s) => [s.erpOrderNumber, s.delivery, s.carrier, s.trackingNumber]),
    ),
  ];
  if (r.ordersWaiting > 0) parts.push(`${r.ordersWaiting} order(s) wait for their customer to be processed.`);
  return parts.join('\n\n');
}
