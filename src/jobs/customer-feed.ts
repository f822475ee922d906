/**
 * What push-customers reads in a run (kit/push-loop.ts PushPages.feed), in this order:
 *
 * 1. the customers changed since the cursor (a keyset read by `updatedAt` with the
 *    `oro.overlapSeconds` re-read), leaving out the overlap window's customers when they are
 *    exactly those the previous run processed (src/oro/seen-window.ts): an idle run reads one page
 *    of customers and nothing else (issue 21);
 * 2. once every page of it has committed, the window it read is remembered
 *    (`sagesync_state` row `push-customers:window`) for the next run;
 * 3. a slice of the re-snapshot sweep (`customers.sweepHours`): every customer read again once a
 *    period, in id order (src/oro/id-sweep.ts), and staged when its snapshot hash changed. Editing
 *    a customer's billing address or one of its users does not move the customer's `updatedAt`
 *    (oroinc/customer-portal src/Oro/Bundle/CustomerBundle/Entity/Customer.php @6.1.0,
 *    preUpdate), so only this sees such a change. A run gives it at most SWEEP_SLICE_MS (and never
 *    past the run's time budget, which the loop checks); its position is kept in `sagesync_state`
 *    (row `push-customers:sweep`) once each page has committed, so the next run continues the pass.
 *    The first pass is due a period after the first run, whose incremental read saw every customer.
 *
 * The states are written by FeedUnit.committed, after the unit's batches commit and in order, so
 * a state never claims a page that did not commit (a crash in between repeats a page, harmlessly).
 */
import type { Page } from '../oro/types.js';
import { formatSweep, newSweep, parseSweep, sweepFrom, sweepPages } from '../oro/id-sweep.js';
import { formatSeenWindow, parseSeenWindow, WindowTracker, withoutSeenWindow } from '../oro/seen-window.js';
import type { OroClient } from '../oro/types.js';
import { pagesFeed, type FeedUnit } from './kit/feeds.js';
import type { JobDeps } from './types.js';

/** `sagesync_state` rows of push-customers besides its cursor. */
const WINDOW_STATE = 'push-customers:window';
const SWEEP_STATE = 'push-customers:sweep';
/** The most of a run the sweep takes: the rest of `run-all` (pulls, streams) keeps its minute. */
const SWEEP_SLICE_MS = 10_000;

const emptyPage = (): Page => ({ data: [], included: new Map() });

export async function* customerFeed(
  oro: OroClient,
  deps: JobDeps,
  since: string | null,
): AsyncGenerator<FeedUnit> {
  const store = deps.store;
  const seen = parseSeenWindow(await store.getCursor(WINDOW_STATE));
  const tracker = new WindowTracker(deps.config.oro.overlapSeconds);
  const readAt = deps.clock();
  const read = oro.readIncremental('customers', {
    since,
    overlapSeconds: deps.config.oro.overlapSeconds,
    pageSize: deps.config.oro.pageSize,
  });
  const pages = withoutSeenWindow(tracked(read, tracker), seen, since, {
    onSkipped: (count) =>
      deps.logger.debug('customers of the overlap window unchanged since the last run', { count }),
  });
  let cursor = since;
  for await (const unit of pagesFeed(pages, { readAhead: true })) {
    if (unit.watermark !== undefined) cursor = unit.watermark;
    yield unit;
  }
  // Reached only when every page was read; committed only when every page committed.
  if (cursor !== null) {
    const window = formatSeenWindow(tracker.windowAt(cursor, readAt));
    yield { page: emptyPage(), staged: [], committed: () => setState(deps, WINDOW_STATE, window) };
  }
  yield* sweep(oro, deps);
}

async function* sweep(oro: OroClient, deps: JobDeps): AsyncGenerator<FeedUnit> {
  const hours = deps.config.customers.sweepHours;
  if (hours === 0) return;
  const now = deps.clock();
  const stored = parseSweep(await deps.store.getCursor(SWEEP_STATE));
  if (stored === null) {
    const first = formatSweep({ ...newSweep(now), done: true });
    yield { page: emptyPage(), staged: [], committed: () => setState(deps, SWEEP_STATE, first) };
    return;
  }
  const from = sweepFrom(stored, now, hours * 3_600_000);
  if (from === null) return;
  const sliceEnd = now.getTime() + SWEEP_SLICE_MS;
  for await (const { page, position } of sweepPages(oro, 'customers', from, {
    pageSize: deps.config.oro.pageSize,
  })) {
    const value = formatSweep(position);
    yield { page, staged: [], committed: () => setState(deps, SWEEP_STATE, value) };
    if (position.done) {
      deps.logger.info('customer sweep done: every customer compared with its last snapshot', {
        started: position.started,
      });
      return;
    }
    // Resumed once the page committed (push-customers plans no page ahead).
    if (deps.clock().getTime() >= sliceEnd) return;
  }
}

async function setState(deps: JobDeps, key: string, value: string): Promise<void> {
  await deps.store.stage({ job: key, writes: [], cursor: value });
}

async function* tracked(pages: AsyncIterable<Page>, tracker: WindowTracker): AsyncGenerator<Page> {
  for await (const page of pages) {
    tracker.add(page);
    yield page;
  }
}
