/**
 * A pass over every record of a resource, in id order, one page per request, resumable across
 * runs: push-customers' re-snapshot sweep (`customers.sweepHours`) and a push stream's
 * `mode: full` (docs/streams.md). Both exist because some changes leave no trace Oro can filter
 * by: editing a customer's address or one of its users does not move the customer's `updatedAt`
 * (oroinc/customer-portal src/Oro/Bundle/CustomerBundle/Entity/Customer.php @6.1.0, preUpdate),
 * and customer users and addresses cannot be filtered or sorted by `updatedAt` at all
 * (…/CustomerBundle/Resources/config/oro/api.yml @6.0.10 and @6.1.0). So they are read whole,
 * once a period, and the payload hash decides what really changed.
 *
 * Pages are keyset pages (`filter[id][gt]=<last id>&sort=id`), not page numbers: a record
 * deleted while a pass runs cannot shift the rest and make one be skipped. The position is a
 * small JSON text stored as the job's cursor (staging-tables.md `sagesync_state`), so a pass cut
 * by the run's time budget continues where it stopped on the next run.
 */
import { maxResultsOf } from './reading.js';
import type { OroClient, Page } from './types.js';

export interface SweepPosition {
  /** When the pass started (ISO 8601): the next one is due a period after it. */
  started: string;
  /** The last id read; null before the first page. */
  after: string | null;
  /** The pass read the last page. */
  done: boolean;
}

/** The position stored as a cursor; null for anything else (an `updatedAt` cursor, none). */
export function parseSweep(raw: string | null): SweepPosition | null {
  if (raw === null || !raw.startsWith('{')) return null;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v['sweep'] !== 'string' || Number.isNaN(Date.parse(v['sweep']))) return null;
    const after = typeof v['after'] === 'string' ? v['after'] : null;
    return { started: v['sweep'], after, done: v['done'] === true };
  } catch {
    return null;
  }
}

export function formatSweep(p: SweepPosition): string {
  return JSON.stringify({ sweep: p.started, ...(p.done ? { done: true } : { after: p.after }) });
}

/** A pass that starts now. */
export function newSweep(now: Date): SweepPosition {
  return { started: now.toISOString(), after: null, done: false };
}

/**
 * Where this run's part of the pass starts: the unfinished pass, a new one when the last
 * started `periodMs` ago or more (or none ran yet), else null (nothing to read this run).
 */
export function sweepFrom(p: SweepPosition | null, now: Date, periodMs: number): SweepPosition | null {
  if (p === null) return newSweep(now);
  if (!p.done) return p;
  return now.getTime() - Date.parse(p.started) >= periodMs ? newSweep(now) : null;
}

/**
 * The pages of a pass from `from`, each with the position after it: the caller stores that
 * position with the page's rows. The last page (shorter than `pageSize`, possibly empty) carries
 * a position with `done`.
 */
export async function* sweepPages(
  oro: OroClient,
  resource: string,
  from: SweepPosition,
  q: { pageSize: number; include?: readonly string[] },
): AsyncGenerator<{ page: Page; position: SweepPosition }> {
  let after = from.after;
  // A resource may cap its page size (`max_results`): a larger page[size] is a 400 "The value
  // should be less than or equals to N." (oroinc/platform 6.1.0
  // src/Oro/Bundle/ApiBundle/Processor/Shared/ValidatePaging.php). The pass then reads N at a
  // time, and a page is the last one when it is shorter than N, not than the size asked first.
  let size = q.pageSize;
  for (;;) {
    let page: Page;
    try {
      page = await firstPage(oro, resource, after, size, q.include);
    } catch (err) {
      const max = maxResultsOf(err);
      if (max === undefined || max >= size) throw err;
      size = max;
      continue;
    }
    const last = page.data[page.data.length - 1];
    const done = page.data.length < size || last === undefined;
    if (last !== undefined) after = last.id;
    yield { page, position: { started: from.started, after, done } };
    if (done) return;
  }
}

/** One keyset page: the records after `after` in id order, `size` at most. */
async function firstPage(
  oro: OroClient,
  resource: string,
  after: string | null,
  size: number,
  include: readonly string[] | undefined,
): Promise<Page> {
  for await (const p of oro.list(resource, {
    ...(after !== null ? { filter: { id: { op: 'gt', value: after } } } : {}),
    sort: 'id',
    pageSize: size,
    ...(include && include.length > 0 ? { include: [...include] } : {}),
    links: false,
  })) {
    return p; // one page per request: the next is asked by the last id, not by number
  }
  return { data: [], included: new Map() };
}
