/**
 * `sagesync pull-credit`: applies NEW rows of sagesync_credit_limit to the Oro customers
 * (contract direction 2, guarantee 3). One PATCH per customer per window: the latest valid row
 * wins, earlier ones end DONE as superseded. Rows are marked right after their PATCH so a crash
 * re-applies at most the one customer in flight (setting the same value again is harmless).
 */
import { CREDIT_LIMIT } from '../staging/tables.js';
import type { InboundUpdate } from '../staging/store.js';
import type { SagesyncError } from '../errors.js';
import {
  accessDeniedMessage,
  classifyOroError,
  clip,
  type OroFailure,
  type RecordFailure,
} from './kit/oro-failure.js';
import { runPull, type PullWindow } from './kit/pull-loop.js';
import { planCredit, supersededMessage, type CreditGroup } from './pull-credit-plan.js';
import type { Job, JobDeps, JobOptions, JobReport } from './types.js';

/** What a credit row is decided from: the row is marked only while it still holds them. */
const CREDIT_COLUMNS = ['oro_customer_id', 'erp_customer_code', 'credit_limit'];
/** Customers applied between two checks of the time budget. */
const BATCH = 25;

export const pullCredit: Job = async (deps: JobDeps, options: JobOptions): Promise<JobReport> => {
  const field = deps.config.oro.creditLimitField;
  const state: { missingAttribute?: RecordFailure } = {};
  return runPull(deps, options, {
    job: 'pull-credit',
    table: CREDIT_LIMIT,
    // Rows read ahead at once, so that a customer's earlier rows are superseded, not applied.
    window: 2000,
    columns: CREDIT_COLUMNS,
    applyWindow: async (rows, w) => {
      const plan = await planCredit(rows, deps.store);
      // Rows decided without Oro are marked even when Oro turns out to be down.
      await w.finish(plan.errors);
      for (let i = 0; i < plan.groups.length; i += BATCH) {
        if (i > 0 && w.stopped()) {
          const left = plan.groups.slice(i).reduce((n, g) => n + 1 + g.superseded.length, 0);
          w.stopNote(`${left} rows`);
          return 'stop';
        }
        const batch = plan.groups.slice(i, i + BATCH);
        const stop = w.dryRun ? await planBatch(w, batch, field) : await applyBatch(w, batch, field, state);
        if (stop) return stop;
      }
      return 'next';
    },
  });
};

/**
 * Applies one batch of customers; returns the passing error that stopped it, if any. Once Oro
 * said the attribute does not exist, the remaining customers are marked without asking again.
 */
async function applyBatch(
  w: PullWindow,
  groups: readonly CreditGroup[],
  field: string,
  state: { missingAttribute?: RecordFailure },
): Promise<SagesyncError | null> {
  const oro = await w.oro();
  if (!('patch' in oro)) return oro;
  for (const g of groups) {
    let failure: OroFailure | null = state.missingAttribute ?? null;
    if (failure === null) {
      const sent = await w.write(() => oro.patch('customers', String(g.oroCustomerId), { [field]: g.value }));
      if (sent.kind !== 'ok') failure = sent;
    }
    if (failure?.kind === 'passing') return failure.error;
    if (failure === null) {
      await w.finish([done(g, field)], 'written');
      await w.finish(supersede(g), 'skipped');
      continue;
    }
    if (failure.status === 400 && isMissingAttribute(failure)) state.missingAttribute = failure;
    const message = recordMessage(failure, g, field);
    const ups = rowsOf(g).map((stagingId): InboundUpdate => ({ stagingId, status: 'ERROR', message }));
    await w.finish(ups, 'written');
  }
  return null;
}

/** --dry-run: reads each customer to say what would change, writes nothing. */
async function planBatch(w: PullWindow, groups: readonly CreditGroup[], field: string) {
  const oro = await w.oro();
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
    w.report.plan.push({
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
