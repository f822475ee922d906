/**
 * `sagesync pull-tracking`: applies NEW rows of sagesync_shipment to the Oro orders as shipping
 * trackings (contract direction 2, guarantee 3: never twice). Before creating, the order's
 * existing trackings are read, so a run killed between Oro's 201 and the row update finds its
 * tracking on the next run and only marks the row DONE. Requests per row: one create, plus one
 * listing per batch of up to 100 orders.
 */
import { SagesyncError } from '../errors.js';
import type { InboundRow, InboundUpdate } from '../staging/store.js';
import { SHIPMENT } from '../staging/tables.js';
import { accessDeniedMessage, clip } from './kit/oro-failure.js';
import { runPull, type PullWindow, type WindowEnd } from './kit/pull-loop.js';
import { existingTrackings, trackingKey } from './pull-tracking-existing.js';
import { planShipments, resolveIdentifiers, type ShipmentTask } from './pull-tracking-resolve.js';
import type { Job, JobDeps, JobOptions, JobReport } from './types.js';

/** What a shipment row is decided from: the row is marked only while it still holds them. */
const SHIPMENT_COLUMNS = [
  'oro_order_id',
  'erp_order_number',
  'order_identifier',
  'carrier',
  'tracking_number',
];

export const pullTracking: Job = async (deps: JobDeps, options: JobOptions): Promise<JobReport> =>
  runPull(deps, options, {
    job: 'pull-tracking',
    table: SHIPMENT,
    // Rows per window: the time budget is checked between windows.
    window: 100,
    columns: SHIPMENT_COLUMNS,
    applyWindow: applyShipments,
  });

async function applyShipments(rows: readonly InboundRow[], w: PullWindow): Promise<WindowEnd> {
  const plan = await planShipments(rows, w.deps.store);
  await finish(w, plan.errors);
  if (plan.tasks.length === 0 && plan.byIdentifier.length === 0) return 'next';
  return (await applyBatch(w, plan.tasks, plan.byIdentifier)) ?? 'next';
}

async function applyBatch(
  w: PullWindow,
  known: ShipmentTask[],
  byIdentifier: Parameters<typeof resolveIdentifiers>[1],
): Promise<SagesyncError | null> {
  const oro = await w.oro();
  if (oro instanceof SagesyncError) return oro;
  let tasks = known;
  if (byIdentifier.length > 0) {
    const resolved = await w.oroRead(() => resolveIdentifiers(oro, byIdentifier));
    if (resolved instanceof SagesyncError) return resolved;
    await finish(w, resolved.errors);
    tasks = [...known, ...resolved.tasks].sort(
      (a, b) =>
        a.row.staging_id.length - b.row.staging_id.length || (a.row.staging_id < b.row.staging_id ? -1 : 1),
    );
  }
  const existing = await w.oroRead(() => existingTrackings(oro, [...new Set(tasks.map((t) => t.orderId))]));
  if (existing instanceof SagesyncError) return existing;

  for (const t of tasks) {
    const onOrder = existing.get(t.orderId) ?? new Map<string, string>();
    const already = onOrder.get(trackingKey(t.number));
    if (already !== undefined) {
      const message = `Tracking ${t.number} already existed on Oro order ${t.orderId} (tracking ${already}); not created again.`;
      await finish(w, [{ stagingId: t.row.staging_id, status: 'DONE', message }], 'skipped');
      continue;
    }
    if (w.dryRun) {
      w.report.plan.push({
        stagingId: t.row.staging_id,
        action: 'create',
        order: t.orderId,
        method: t.method,
        number: t.number,
      });
      onOrder.set(trackingKey(t.number), '(planned)');
      await w.finish([{ stagingId: t.row.staging_id, status: 'DONE', message: null }], 'written');
      continue;
    }
    let update: InboundUpdate;
    const sent = await w.write(() => oro.createTracking(String(t.orderId), t.method, t.number));
    if (sent.kind === 'ok') {
      const created = sent.value;
      onOrder.set(trackingKey(t.number), created.id);
      existing.set(t.orderId, onOrder);
      update = {
        stagingId: t.row.staging_id,
        status: 'DONE',
        message: `Created tracking ${created.id} (${t.method} ${t.number}) on Oro order ${t.orderId}.`,
      };
    } else if (sent.kind === 'passing') {
      // A passing failure may still have created it in Oro: the next run's listing will see it.
      return sent.error;
    } else {
      const f = sent;
      update = {
        stagingId: t.row.staging_id,
        status: 'ERROR',
        message:
          f.status === 403
            ? accessDeniedMessage(`Oro order ${t.orderId}`, 'View', f)
            : clip(
                f.status === 404
                  ? `Oro order ${t.orderId} does not exist (404 from Oro); check the row's order reference.`
                  : `Oro refused the tracking ${t.method} ${t.number} on order ${t.orderId} (${f.status}: ${f.detail}).`,
              ),
      };
    }
    await finish(w, [update], 'written');
  }
  return null;
}

/** Marks rows; with --dry-run every one of them is listed in the plan, as it would end. */
async function finish(
  w: PullWindow,
  updates: readonly InboundUpdate[],
  kind: 'written' | 'skipped' = 'written',
): Promise<void> {
  if (w.dryRun) {
    for (const u of updates) {
      if (u.status !== 'ERROR')
        w.report.plan.push({ stagingId: u.stagingId, action: 'done', message: u.message });
    }
  }
  await w.finish(updates, kind);
}
