/**
 * pull-credit, the deciding half (STYLE.md "Plan, then apply"): which rows of a window can never
 * apply as they stand (decided without Oro), and per Oro customer which row wins (the latest
 * valid one, contract "sagesync_credit_limit": "for one customer the last one wins").
 */
import type { InboundRow, InboundUpdate, StagingStore } from '../staging/store.js';
import { clip } from './kit/oro-failure.js';
import { intId, text } from './kit/row-values.js';

export interface CreditGroup {
  oroCustomerId: number;
  /** The latest valid row of this customer in the window: the one applied. */
  winner: InboundRow;
  /** Canonical decimal string sent to Oro, e.g. `1500.0000` (money is never a float). */
  value: string;
  erpCode: string | null;
  /** Earlier valid rows of the same customer: DONE without being applied. */
  superseded: InboundRow[];
}

export interface CreditPlan {
  /** Rows that can never apply as they stand, decided without Oro. */
  errors: InboundUpdate[];
  /** In the order of their winners' staging_id. */
  groups: CreditGroup[];
}

/** `123`, `123.4`, `-5.00` → canonical `123.0000` form with 4 decimals, or null when not a decimal. */
function canonicalDecimal(raw: string): { negative: boolean; value: string } | null {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(raw.trim()) ?? /^([+-]?)()\.(\d+)$/.exec(raw.trim());
  if (!m) return null;
  const intPart = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > 4) return null; // decimal(19,4): more digits cannot come from the contract's column
  const value = `${intPart}.${frac.padEnd(4, '0')}`;
  const isZero = /^0\.0000$/.test(value);
  return { negative: m[1] === '-' && !isZero, value };
}

export function supersededMessage(winnerId: string): string {
  return `Superseded by staging_id ${winnerId}, a later credit limit for the same customer; not applied on its own.`;
}

function unknownCodeMessage(code: string): string {
  return clip(
    `Unknown X3 customer code "${code}": no Oro customer is mapped to it in the customer map ` +
      `(sagesync_customer_map) and oro_customer_id is empty. The customer must first be staged in ` +
      `sagesync_customer and marked DONE by X3 with this code (push-customers then learns the mapping); ` +
      `then set this row back to NEW.`,
  );
}

/**
 * The customer a row names, or why it names none or two. `oro_customer_id` and
 * `erp_customer_code` must agree with the customer map (staging-tables.md
 * "sagesync_credit_limit"): a code mapped to another customer, or an id mapped to another code,
 * is an ERROR naming both. A code the map does not know yet, next to an id the map does not know
 * either, contradicts nothing: the id is applied (the map learns a code only once X3 marked the
 * customer's row DONE with it).
 */
function customerOf(
  row: InboundRow,
  byCode: ReadonlyMap<string, number>,
  codeOfId: ReadonlyMap<number, string>,
): number | string {
  const code = text(row, 'erp_customer_code');
  const id = intId(row, 'oro_customer_id');
  if (id === null) {
    if (code === null)
      return 'Neither oro_customer_id nor erp_customer_code is set; the row names no customer.';
    return byCode.get(code) ?? unknownCodeMessage(code);
  }
  if (code === null) return id;
  const ofCode = byCode.get(code);
  const ofId = codeOfId.get(id);
  if (ofCode === id || (ofCode === undefined && ofId === undefined)) return id;
  const codeSays =
    ofCode === undefined
      ? `erp_customer_code "${code}" is mapped to no Oro customer`
      : `erp_customer_code "${code}" is Oro customer ${ofCode}`;
  const idSays =
    ofId === undefined
      ? `oro_customer_id ${id} is Oro customer ${id}, which has no X3 code in the map`
      : `oro_customer_id ${id} is Oro customer ${id}, X3 code "${ofId}"`;
  return (
    `oro_customer_id and erp_customer_code name different customers: ${idSays}, while ${codeSays} ` +
    `(customer map, sagesync_customer_map). Nothing was applied. Correct the row (or leave ` +
    `oro_customer_id empty to go by the code), then set it back to NEW.`
  );
}

export async function planCredit(
  rows: readonly InboundRow[],
  store: Pick<StagingStore, 'customerIdsForCodes' | 'customerCodes'>,
): Promise<CreditPlan> {
  const errors: InboundUpdate[] = [];
  const byCustomer = new Map<number, { rows: InboundRow[]; values: string[]; codes: (string | null)[] }>();
  // One lookup of every code of the window, then one of the ids whose code did not answer for
  // them: two statements per window at most, never one per row.
  const codes = [...new Set(rows.map((r) => text(r, 'erp_customer_code')).filter((c) => c !== null))];
  const byCode = await store.customerIdsForCodes(codes);
  const askIds = new Set<number>();
  for (const r of rows) {
    const id = intId(r, 'oro_customer_id');
    const code = text(r, 'erp_customer_code');
    if (id !== null && code !== null && byCode.get(code) !== id) askIds.add(id);
  }
  const codeOfId = await store.customerCodes([...askIds]);

  for (const row of rows) {
    const raw = text(row, 'credit_limit');
    const dec = raw === null ? null : canonicalDecimal(raw);
    if (dec === null) {
      errors.push(
        err(
          row,
          `credit_limit ${JSON.stringify(raw ?? null)} is not a decimal number; X3 must send a value >= 0.`,
        ),
      );
      continue;
    }
    if (dec.negative) {
      errors.push(
        err(row, `credit_limit ${raw} is negative; a credit limit must be >= 0. Send a corrected row.`),
      );
      continue;
    }
    const code = text(row, 'erp_customer_code');
    const customerId = customerOf(row, byCode, codeOfId);
    if (typeof customerId === 'string') {
      errors.push(err(row, customerId));
      continue;
    }
    const g = byCustomer.get(customerId) ?? { rows: [], values: [], codes: [] };
    g.rows.push(row);
    g.values.push(dec.value);
    g.codes.push(code);
    byCustomer.set(customerId, g);
  }

  const groups: CreditGroup[] = [];
  for (const [oroCustomerId, g] of byCustomer) {
    // Rows arrive in staging_id order, so the last one is the latest.
    const last = g.rows.length - 1;
    groups.push({
      oroCustomerId,
      winner: g.rows[last] as InboundRow,
      value: g.values[last] as string,
      erpCode: g.codes[last] ?? null,
      superseded: g.rows.slice(0, last),
    });
  }
  groups.sort((a, b) => compareIds(a.winner.staging_id, b.winner.staging_id));
  return { errors, groups };
}

/** staging_id values are bigint strings: compare numerically without Number precision loss. */
function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function err(row: InboundRow, message: string): InboundUpdate {
  return { stagingId: row.staging_id, status: 'ERROR', message: clip(message) };
}
