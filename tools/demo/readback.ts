/**
 * What the demo shows after the second run: read back from both sides, the staging tables (what
 * sagesync staged and X3 answered) and the sandbox (what actually reached "Oro").
 */
import type { Sandbox } from '../sandbox/types.js';
import type { Row, StagingStore } from '../../src/staging/store.js';

export interface DemoFlow {
  customers: Row[];
  orders: Row[];
  codes: Row[];
  credit: (Row & { oro_value: string | null })[];
  shipments: (Row & { oro_identifier: string | null; in_oro: number })[];
  rejected: Row[];
}

export async function readFlow(
  store: StagingStore,
  sandbox: Sandbox,
  creditField: string,
): Promise<DemoFlow> {
  const t = (name: string) => store.tableName(name);
  const q = (sql: string) => store.query(sql);
  const customers = await q(
    `SELECT staging_id, oro_customer_id, name, reason, status, erp_customer_code, erp_message FROM ${t('customer')} ORDER BY staging_id`,
  );
  const orders = await q(
    `SELECT o.staging_id, o.oro_order_id, o.order_identifier, o.oro_customer_id, o.total, o.currency, o.status, ` +
      `o.erp_order_number, o.erp_message, (SELECT COUNT(*) FROM ${t('order_line')} l WHERE l.order_staging_id = o.staging_id) AS lines ` +
      `FROM ${t('order')} o ORDER BY o.staging_id`,
  );
  const codes = await q(
    `SELECT oro_customer_id, erp_customer_code FROM ${t('customer_map')} ORDER BY oro_customer_id`,
  );
  const creditRows = await q(
    `SELECT staging_id, erp_customer_code, oro_customer_id, credit_limit, status, sync_message FROM ${t('credit_limit')} ORDER BY staging_id`,
  );
  const credit = creditRows.map((r) => {
    const id =
      codes.find((c) => c.erp_customer_code === r.erp_customer_code)?.oro_customer_id ?? r.oro_customer_id;
    const value =
      id === null || id === undefined ? undefined : sandbox.customer(String(id))?.attributes[creditField];
    return { ...r, oro_value: value === undefined || value === null ? null : String(value) };
  });
  const shipRows = await q(
    `SELECT s.staging_id, s.erp_order_number, s.erp_delivery_number, s.carrier, s.tracking_number, s.status, s.sync_message, ` +
      `o.oro_order_id FROM ${t('shipment')} s LEFT JOIN ${t('order')} o ON o.erp_order_number = s.erp_order_number ORDER BY s.staging_id`,
  );
  const shipments = shipRows.map((r) => {
    const orderId = r.oro_order_id === null ? null : String(r.oro_order_id);
    const trackings = orderId ? sandbox.trackings(orderId) : [];
    return {
      ...r,
      oro_identifier: orderId ? String(sandbox.order(orderId)?.attributes.identifier ?? '') : null,
      in_oro: trackings.filter((k) => k.number === r.tracking_number && k.method === r.carrier).length,
    };
  });
  const rejected = orders.filter((o) => o.status === 'ERROR');
  return { customers, orders, codes, credit, shipments, rejected };
}
