/**
 * pull-tracking, the deciding half: which Oro order each shipment row belongs to (contract
 * "sagesync_shipment": oro_order_id, else erp_order_number through sagesync_order, else
 * order_identifier through sagesync_order and then Oro), and which rows can never apply.
 */
import type { OroClient } from '../oro/types.js';
import type { InboundRow, InboundUpdate, StagingStore } from '../staging/store.js';
import { clip } from './kit/oro-failure.js';
import { intId, text } from './kit/row-values.js';

export interface ShipmentTask {
  row: InboundRow;
  orderId: number;
  method: string;
  number: string;
}

export interface ShipmentPlan {
  errors: InboundUpdate[];
  tasks: ShipmentTask[];
  /** Rows whose order is only known by identifier, to be looked up in Oro. */
  byIdentifier: { row: InboundRow; identifier: string; method: string; number: string }[];
}

export async function planShipments(
  rows: readonly InboundRow[],
  store: Pick<StagingStore, 'findStagedOrder'>,
): Promise<ShipmentPlan> {
  const plan: ShipmentPlan = { errors: [], tasks: [], byIdentifier: [] };
  for (const row of rows) {
    const method = text(row, 'carrier');
    const number = text(row, 'tracking_number');
    if (method === null || number === null) {
      const col = method === null ? 'carrier' : 'tracking_number';
      plan.errors.push(
        err(row, `${col} is empty; Oro needs both a carrier (the tracking's method) and a number.`),
      );
      continue;
    }
    const direct = intId(row, 'oro_order_id');
    if (direct !== null) {
      plan.tasks.push({ row, orderId: direct, method, number });
      continue;
    }
    const erpNumber = text(row, 'erp_order_number');
    const identifier = text(row, 'order_identifier');
    if (erpNumber !== null) {
      const id = await store.findStagedOrder({ erpOrderNumber: erpNumber });
      if (id !== null) {
        plan.tasks.push({ row, orderId: id, method, number });
        continue;
      }
    }
    if (identifier !== null) {
      const id = await store.findStagedOrder({ orderIdentifier: identifier });
      if (id !== null) plan.tasks.push({ row, orderId: id, method, number });
      else plan.byIdentifier.push({ row, identifier, method, number });
      continue;
    }
    plan.errors.push(
      err(
        row,
        erpNumber !== null
          ? `Unknown X3 order number "${erpNumber}": no row of sagesync_order has this erp_order_number ` +
              `(X3 writes it when it creates the sales order), and neither oro_order_id nor order_identifier is set.`
          : 'The row names no order: set oro_order_id, erp_order_number or order_identifier.',
      ),
    );
  }
  return plan;
}

/**
 * Orders known only by identifier, looked up in Oro in one listing per chunk
 * (`filter[identifier]=a,b,c`: lists are allowed on orders.identifier, docs/oro.md).
 */
export async function resolveIdentifiers(
  oro: OroClient,
  pending: ShipmentPlan['byIdentifier'],
): Promise<{ tasks: ShipmentTask[]; errors: InboundUpdate[] }> {
  const found = new Map<string, number>();
  const wanted = [...new Set(pending.map((p) => p.identifier))];
  for (let i = 0; i < wanted.length; i += 50) {
    const chunk = wanted.slice(i, i + 50);
    const query = {
      filter: { identifier: chunk.join(',') },
      fields: { orders: ['identifier'] },
      pageSize: 100,
    };
    for await (const page of oro.list('orders', query)) {
      for (const o of page.data) {
        const ident = o.attributes['identifier'];
        // Oro's identifier filter is case-insensitive (docs/oro.md); keep the first (lowest id).
        if (typeof ident === 'string' && !found.has(ident.toLowerCase()))
          found.set(ident.toLowerCase(), Number(o.id));
      }
    }
  }
  const out = { tasks: [] as ShipmentTask[], errors: [] as InboundUpdate[] };
  for (const p of pending) {
    const id = found.get(p.identifier.toLowerCase());
    if (id !== undefined) out.tasks.push({ row: p.row, orderId: id, method: p.method, number: p.number });
    else
      out.errors.push(
        err(p.row, `Unknown order identifier "${p.identifier}": no such order in sagesync_order nor in Oro.`),
      );
  }
  return out;
}

function err(row: InboundRow, message: string): InboundUpdate {
  return { stagingId: row.staging_id, status: 'ERROR', message: clip(message) };
}
