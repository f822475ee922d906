/** The demo's printed story: what flowed from Oro to X3 and back, as readable tables. */
import type { RunSummary } from '../../src/jobs/runner.js';
import type { DemoFlow } from './readback.js';
import { section } from './table.js';

export function formatRun(title: string, s: RunSummary | null): string {
  if (!s) return `${title}\n  (no summary)`;
  return section(
    `${title} (${(s.durationMs / 1000).toFixed(1)} s)`,
    ['job', 'outcome', 'read', 'written', 'skipped', 'failed'],
    s.jobs.map((j) => [j.job, j.outcome, j.counts.read, j.counts.written, j.counts.skipped, j.counts.failed]),
  );
}

const money = (v: unknown): string => (v === null || v === undefined ? '' : Number(v).toFixed(2));

export function formatFlow(f: DemoFlow): string {
  const out: string[] = [];
  out.push('━━ Oro → Sage X3 ━━');
  out.push(
    section(
      'Orders staged (sagesync_order + sagesync_order_line), as X3 answered',
      ['oro order', 'identifier', 'customer', 'lines', 'total', 'X3 status', 'X3 order number / message'],
      f.orders.map((o) => [
        o.oro_order_id,
        o.order_identifier,
        o.oro_customer_id,
        o.lines,
        `${money(o.total)} ${o.currency ?? ''}`,
        o.status,
        o.erp_order_number ?? o.erp_message,
      ]),
    ),
  );
  out.push(
    section(
      'Customers staged (sagesync_customer)',
      ['oro customer', 'name', 'reason', 'X3 status', 'X3 code'],
      f.customers.map((c) => [
        c.oro_customer_id,
        c.name,
        c.reason,
        c.status,
        c.erp_customer_code ?? c.erp_message,
      ]),
    ),
  );
  out.push(
    section(
      'Customer codes sagesync learnt (sagesync_customer_map)',
      ['oro customer', 'X3 code'],
      f.codes.map((c) => [c.oro_customer_id, c.erp_customer_code]),
    ),
  );
  out.push('━━ Sage X3 → Oro ━━');
  out.push(
    section(
      'Credit limits applied (sagesync_credit_limit → customer.creditLimit in Oro)',
      ['X3 code', 'oro customer', 'credit limit', 'row status', 'now in Oro', 'note'],
      f.credit.map((c) => [
        c.erp_customer_code,
        c.oro_customer_id,
        money(c.credit_limit),
        c.status,
        c.oro_value ?? '(not set)',
        Number(c.credit_limit) === 0 ? 'customer on hold' : c.status === 'ERROR' ? c.sync_message : '',
      ]),
    ),
  );
  out.push(
    section(
      'Trackings applied (sagesync_shipment → ordershippingtrackings in Oro)',
      ['X3 order', 'delivery', 'Oro order', 'carrier', 'tracking number', 'row status', 'in Oro'],
      f.shipments.map((s) => [
        s.erp_order_number,
        s.erp_delivery_number,
        s.oro_identifier,
        s.carrier,
        s.tracking_number,
        s.status,
        s.in_oro === 1 ? 'yes, once' : `${s.in_oro} times`,
      ]),
    ),
  );
  return out.join('\n\n');
}

export const NEXT_STEPS = `Next: point sagesync at your real systems
  1. In Oro's back-office, create an OAuth application (System › User Management › OAuth
     Applications, grant "client credentials") and a customer field "creditLimit" (money) in
     System › Entities › Entity Management › Customer.
  2. Run: sagesync init
     It asks for Oro, the staging database and e-mail, tests each answer at once, creates the
     tables (or writes their DDL for your DBA), writes .sagesyncrc.yaml with the secrets in 0600
     files, runs test-connection on it and prints the crontab, systemd or Kubernetes line that
     runs "sagesync run-all" every minute. (Automation: sagesync init --non-interactive.)
  The X3 team can develop against the same tables with: npm run x3sim -- -c .sagesyncrc.yaml
  (docs/demo-bench-chaos.md).`;
