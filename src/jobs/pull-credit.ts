/**
 * `sagesync pull-credit`: applies NEW rows of sagesync_credit_limit to the Oro customers
 * (contract direction 2, guarantee 3). One PATCH per customer per window: the latest valid row
 * wins, earlier ones end DONE as superseded. Rows are marked right after their PATCH so a crash
 * re-applies at most the one customer in flight (setting the same value again is harmless).
 */
import { CREDIT_LIMIT } from '../staging/tables.js';
import type { InboundUpdate } from '../staging/store.js';
import type { SagesyncError } from '../errors.js';
import type { OroClient } from '../oro/types.js';
import {
  accessDeniedMessage,
  PullTally,
  budgetMessage,
  classifyOroError,
  clip,
  idsNotPending,
  pastDeadline,
  type OroFailure,
} from './pull-common.js';
import { planCredit, supersededMessage, type CreditGroup } from './pull-credit-plan.js';
import type { Job, JobDeps, JobOptions, JobReport } from './types.js';

/** What a credit row is decided from: the row is marked only while it still holds them. */
const CREDIT_COLUMNS = ['oro_customer_id', 'erp_customer_code', 'credit_limit'];
/** Rows read ahead at once, so that a customer's earlier rows are superseded, not applied. */
const WINDOW = 2000;
/** Customers applied between two checks of the time budget. */
const BATCH = 25;

type RecordFailure = Extract<OroFailure, { kind: 'record' }>;

export const pullCredit: Job = async (deps: JobDeps, options: JobOptions): Promise<JobReport> => {
  const startedAt = Date.now();
  const tally = new PullTally('pull-credit', 'credit_limit', deps.progress);
  const field = deps.config.oro.creditLimitField;
  const seen = new Set<string>();
  let afterId: string | undefined;
  const state: { missingAttribute?: RecordFailure } = {};

  window: for (;;) {
    if (pastDeadline(deps)) {
      tally.notes.push(budgetMessage('the remaining rows are', deps));
      break;
    }
    const rows = await deps.store.pendingInbound(CREDIT_LIMIT, {
      ...(options.ids ? { ids: options.ids } : {}),
      ...(afterId ? { afterId } : {}),
      limit: WINDOW,
    });
    if (rows.length === 0) break;
    rows.forEach((r) => seen.add(r.staging_id));
    tally.read(rows);
    afterId = rows[rows.length - 1]?.staging_id;

    const plan = await planCredit(rows, deps.store);
    // Rows decided without Oro are marked even when Oro turns out to be down.
    await finish(deps, options, tally, plan.errors, 'written');
    if (options.dryRun) {
      tally.plan.push(
        ...plan.errors.map((e) => ({ stagingId: e.stagingId, action: 'error', message: e.message })),
      );
    }

    for (let i = 0; i < plan.groups.length; i += BATCH) {
      if (i > 0 && pastDeadline(deps)) {
        const left = plan.groups.slice(i).reduce((n, g) => n + 1 + g.superseded.length, 0);
        tally.notes.push(budgetMessage(`${left} rows`, deps));
        break window;
      }
      const batch = plan.groups.slice(i, i + BATCH);
      const stop = options.dryRun
        ? await planBatch(deps, batch, field, tally)
        : await applyBatch(deps, options, batch, field, tally, state);
      if (stop) {
        const { read, written, skipped, failed } = tally.counts;
        tally.unavailable(stop, read - written - skipped - failed);
        break window;
      }
    }
    if (rows.length < WINDOW) break;
  }
  const missing = idsNotPending(options.ids, seen);
  if (missing.length > 0)
    tally.notes.push(`Not NEW or not found, so not applied: staging_id ${missing.join(', ')}.`);
  return tally.report(startedAt, options.dryRun);
};

/**
 * Applies one batch of customers; returns the passing error that stopped it, if any. Once Oro
 * said the attribute does not exist, the remaining customers are marked without asking again.
 */
async function applyBatch(
  deps: JobDeps,
  options: JobOptions,
  groups: readonly CreditGroup[],
  field: string,
  tally: PullTally,
  state: { missingAttribute?: RecordFailure },
) {
  const oro = await openOro(deps);
  if (!('patch' in oro)) return oro;
  for (const g of groups) {
    let failure: OroFailure | null = state.missingAttribute ?? null;
    if (failure === null) {
      // A lost lock lets another host apply the same rows: stop before this write (exit 69).
      await deps.assertLock?.();
      try {
        await oro.patch('customers', String(g.oroCustomerId), { [field]: g.value });
      } catch (e) {
        failure = classifyOroError(e);
      }
    }
    if (failure?.kind === 'passing') return failure.error;
    if (failure === null) {
      await finish(deps, options, tally, [done(g, field)], 'written');
      await finish(deps, options, tally, supersede(g), 'skipped');
      continue;
    }
    if (failure.status === 400 && isMissingAttribute(failure)) state.missingAttribute = failure;
    const message = recordMessage(failure, g, field);
    const ups = rowsOf(g).map((stagingId): InboundUpdate => ({ stagingId, status: 'ERROR', message }));
    await finish(deps, options, tally, ups, 'written');
  }
  return null;
}

/** --dry-run: reads each customer to say what would change, writes nothing. */
async function planBatch(deps: JobDeps, groups: readonly CreditGroup[], field: string, tally: PullTally) {
  const oro = await openOro(deps);
  if (!('patch' in oro)) return oro;
  for (const g of groups) {
    let current: unknown = undefined;
    let problem: string | null = null;
    try {
      const { data } = await oro.get('customers', String(g.oroCustomerId));
      if (!(field in data.attributes)) problem = missingAttributeMessage(field);
      current = data.attributes[field];
    } catch (e) {
      const f = classifyOroError(e);
      if (f.kind === 'passing') return f.error;
      problem = recordMessage(f, g, field);
    }
    tally.plan.push({
      stagingId: g.winner.staging_id,
      action: problem ? 'error' : 'patch',
      customer: g.oroCustomerId,
      field,
      from: current ?? null,
      to: g.value,
      superseded: g.superseded.map((r) => r.staging_id),
      ...(problem ? { message: problem } : {}),
    });
  }
  return null;
}

/** The shared Oro client, or the passing error that kept it from opening (token endpoint down). */
async function openOro(deps: JobDeps): Promise<OroClient | SagesyncError> {
  try {
    return await deps.oro();
  } catch (e) {
    const f = classifyOroError(e);
    if (f.kind === 'passing') return f.error;
    throw e;
  }
}

function recordMessage(f: RecordFailure, g: CreditGroup, field: string): string {
  const via = g.erpCode ? ` (X3 code "${g.erpCode}")` : '';
  if (f.status === 403) return accessDeniedMessage(`Oro customer ${g.oroCustomerId}${via}`, 'Edit', f);
  if (f.status === 404) {
    return clip(
      `Oro customer ${g.oroCustomerId}${via} does not exist (404 from Oro). Check oro_customer_id or the ` +
        `customer map (sagesync_customer_map), then set this row back to NEW.`,
    );
  }
  return clip(
    `Oro refused to set "${field}" on customer ${g.oroCustomerId}${via} (${f.status}: ${f.detail}). ${missingAttributeMessage(field)}`,
  );
}

function missingAttributeMessage(field: string): string {
  return (
    `The customer attribute "${field}" (oro.creditLimitField) must exist in Oro: create it in the back-office ` +
    `under System > Entities > Entity Management, entity Customer (a decimal or money field named "${field}"), ` +
    `update the schema, then run "php bin/console oro:api:cache:clear"; then set this row back to NEW.`
  );
}

/** Oro's 400 for an attribute it does not know (docs/oro.md "extra fields constraint"). */
function isMissingAttribute(f: RecordFailure): boolean {
  return /extra field|not (?:be )?(?:exist|known|allowed)|unknown/i.test(`${f.title} ${f.detail}`);
}

function rowsOf(g: CreditGroup): string[] {
  return [...g.superseded.map((r) => r.staging_id), g.winner.staging_id];
}

function done(g: CreditGroup, field: string): InboundUpdate {
  const message = `Applied: Oro customer ${g.oroCustomerId} ${field} = ${g.value}.`;
  return { stagingId: g.winner.staging_id, status: 'DONE', message };
}

function supersede(g: CreditGroup): InboundUpdate[] {
  return g.superseded.map((r) => ({
    stagingId: r.staging_id,
    status: 'DONE',
    message: supersededMessage(g.winner.staging_id),
  }));
}

async function finish(
  deps: JobDeps,
  options: JobOptions,
  tally: PullTally,
  updates: readonly InboundUpdate[],
  kind: 'written' | 'skipped',
): Promise<void> {
  if (updates.length === 0) return;
  if (options.dryRun) {
    tally.finished(updates, kind);
    return;
  }
  await tally.mark(deps.store, CREDIT_LIMIT, updates, CREDIT_COLUMNS);
  tally.finished(updates, kind);
}
