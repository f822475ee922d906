/**
 * `sagesync pull-tracking`: applies NEW rows of sagesync_shipment to the Oro orders as shipping
 * trackings (contract direction 2, guarantee 3: never twice). Before creating, the order's
 * existing trackings are read, so a run killed between Oro's 201 and the row update finds its
 * tracking on the next run and only marks the row DONE. Requests per row: one create, plus one
 * listing per batch of up to 100 orders.
 */
import type { OroClient } from '../oro/types.js';
import type { InboundUpdate } from '../staging/store.js';
import { SHIPMENT } from '../staging/tables.js';
import {
  accessDeniedMessage,
  PullTally,
  budgetMessage,
  classifyOroError,
  clip,
  idsNotPending,
  pastDeadline,
} from './pull-common.js';
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
/** Rows per batch: the time budget is checked between batches. */
const BATCH = 100;

export const pullTracking: Job = async (deps: JobDeps, options: JobOptions): Promise<JobReport> => {
  const startedAt = Date.now();
  const tally = new PullTally('pull-tracking', 'shipment', deps.progress);
  const seen = new Set<string>();
  let afterId: string | undefined;

  for (;;) {
    if (pastDeadline(deps)) {
      tally.notes.push(budgetMessage('the remaining rows are', deps));
      break;
    }
    const rows = await deps.store.pendingInbound(SHIPMENT, {
      ...(options.ids ? { ids: options.ids } : {}),
      ...(afterId ? { afterId } : {}),
      limit: BATCH,
    });
    if (rows.length === 0) break;
    rows.forEach((r) => seen.add(r.staging_id));
    tally.read(rows);
    afterId = rows[rows.length - 1]?.staging_id;

    const plan = await planShipments(rows, deps.store);
    await finish(deps, options, tally, plan.errors);
    if (plan.tasks.length > 0 || plan.byIdentifier.length > 0) {
      const stop = await applyBatch(deps, options, plan.tasks, plan.byIdentifier, tally);
      if (stop) {
        const { read, written, skipped, failed } = tally.counts;
        tally.unavailable(stop, read - written - skipped - failed);
        break;
      }
    }
    if (rows.length < BATCH) break;
  }
  const missing = idsNotPending(options.ids, seen);
  if (missing.length > 0)
    tally.notes.push(`Not NEW or not found, so not applied: staging_id ${missing.join(', ')}.`);
  return tally.report(startedAt, options.dryRun);
};

async function applyBatch(
  deps: JobDeps,
  options: JobOptions,
  known: ShipmentTask[],
  byIdentifier: Parameters<typeof resolveIdentifiers>[1],
  tally: PullTally,
) {
  let oro: OroClient;
  let tasks = known;
  let existing: Awaited<ReturnType<typeof existingTrackings>>;
  try {
    oro = await deps.oro();
    if (byIdentifier.length > 0) {
      const resolved = await resolveIdentifiers(oro, byIdentifier);
      await finish(deps, options, tally, resolved.errors);
      tasks = [...known, ...resolved.tasks].sort(
        (a, b) =>
          a.row.staging_id.length - b.row.staging_id.length || (a.row.staging_id < b.row.staging_id ? -1 : 1),
      );
    }
    existing = await existingTrackings(oro, [...new Set(tasks.map((t) => t.orderId))]);
  } catch (e) {
    const f = classifyOroError(e);
    if (f.kind === 'passing') return f.error;
    throw e;
  }

  for (const t of tasks) {
    const onOrder = existing.get(t.orderId) ?? new Map<string, string>();
    const already = onOrder.get(trackingKey(t.number));
    if (already !== undefined) {
      const message = `Tracking ${t.number} already existed on Oro order ${t.orderId} (tracking ${already}); not created again.`;
      await finish(
        deps,
        options,
        tally,
        [{ stagingId: t.row.staging_id, status: 'DONE', message }],
        'skipped',
      );
      continue;
    }
    if (options.dryRun) {
      tally.plan.push({
        stagingId: t.row.staging_id,
        action: 'create',
        order: t.orderId,
        method: t.method,
        number: t.number,
      });
      onOrder.set(trackingKey(t.number), '(planned)');
      tally.finished([{ stagingId: t.row.staging_id, status: 'DONE', message: null }], 'written');
      continue;
    }
    let update: InboundUpdate;
    // A lost lock lets another host create the same tracking: stop before this write (exit 69).
    await deps.assertLock?.();
    try {
      const created = await oro.createTracking(String(t.orderId), t.method, t.number);
      onOrder.set(trackingKey(t.number), created.id);
      existing.set(t.orderId, onOrder);
      update = {
        stagingId: t.row.staging_id,
        status: 'DONE',
        message: `Created tracking ${created.id} (${t.method} ${t.number}) on Oro order ${t.orderId}.`,
      };
    } catch (e) {
      const f = classifyOroError(e);
      // A passing failure may still have created it in Oro: the next run's listing will see it.
      if (f.kind === 'passing') return f.error;
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
    await finish(deps, options, tally, [update], 'written');
  }
  return null;
}

async function finish(
  deps: JobDeps,
  options: JobOptions,
  tally: PullTally,
  updates: readonly InboundUpdate[],
  kind: 'written' | 'skipped' = 'written',
): Promise<void> {
  if (updates.length === 0) return;
  if (options.dryRun) {
    tally.plan.push(
      ...updates.map((u) => ({ stagingId: u.stagingId, action: u.status.toLowerCase(), message: u.message })),
    );
  } else {
    await tally.mark(deps.store, SHIPMENT, updates, SHIPMENT_COLUMNS);
  }
  tally.finished(updates, kind);
}
