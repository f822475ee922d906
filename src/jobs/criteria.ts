/**
 * `orders.criteria`: which orders may be staged. Either the declarative filter of the config
 * contract (src/config/schema.ts `filterSchema`) or a function from a JS/TS config.
 *
 * A field is a path (src/jobs/mapping/paths.ts): an attribute (`poNumber`), a relationship compared
 * with the related id (`internalStatus: [open]`), or `relationship.attribute` of a resource that
 * was read (`customer.name`). Values are compared as Oro sends them: numbers and decimal strings
 * numerically and exactly (`totalValue: {gte: 100}` matches `"100.0000"`), date-times as instants,
 * everything else as text. A to-many relationship matches when any of its ids matches.
 */
import type { OrderCriteriaFunction } from '../config/schema.js';
import type { OroOrder } from '../oro/types.js';
import { resolvePath, type ResourceLookup } from './mapping/paths.js';
import { decimalText } from './mapping/values.js';

type Scalar = string | number | boolean;
/** A condition of the config's filter (src/config/schema.ts `conditionSchema`), read-only. */
type Condition =
  | Scalar
  | null
  | readonly Scalar[]
  | {
      readonly eq?: Scalar;
      readonly neq?: Scalar;
      readonly lt?: Scalar;
      readonly lte?: Scalar;
      readonly gt?: Scalar;
      readonly gte?: Scalar;
      readonly in?: readonly Scalar[];
      readonly notIn?: readonly Scalar[];
      readonly exists?: boolean;
    };
export type Filter = { readonly [field: string]: Condition };
export type Criteria = Filter | OrderCriteriaFunction | undefined;

export interface CriteriaResult {
  qualifies: boolean;
  /** Related resources (`type:id`) the filter needed but were not read: read them, evaluate again. */
  missing: string[];
}

/** Exact comparison of two decimal texts; null when either is not a number. */
export function compareDecimal(a: unknown, b: unknown): number | null {
  const x = decimalText(a);
  const y = decimalText(b);
  if (x === null || y === null) return null;
  const sx = x.startsWith('-') ? -1 : 1;
  const sy = y.startsWith('-') ? -1 : 1;
  if (sx !== sy) return sx - sy > 0 ? 1 : -1;
  const [ix = '', fx = ''] = x.replace('-', '').split('.');
  const [iy = '', fy = ''] = y.replace('-', '').split('.');
  const len = Math.max(fx.length, fy.length);
  const nx = ix.padStart(40, '0') + fx.padEnd(len, '0');
  const ny = iy.padStart(40, '0') + fy.padEnd(len, '0');
  const c = nx === ny ? 0 : nx > ny ? 1 : -1;
  return c * sx;
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** -1, 0, 1, or null when the values are of kinds that cannot be ordered. */
function compareValues(actual: unknown, expected: Scalar): number | null {
  if (actual === null || actual === undefined) return null;
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    return String(actual) === String(expected) ? 0 : null;
  }
  const numeric = compareDecimal(actual, expected);
  if (numeric !== null) return numeric;
  if (typeof actual === 'string' && typeof expected === 'string' && ISO.test(actual) && ISO.test(expected)) {
    const d = Date.parse(actual) - Date.parse(expected);
    if (!Number.isNaN(d)) return Math.sign(d);
  }
  const a = typeof actual === 'object' ? JSON.stringify(actual) : String(actual);
  const e = String(expected);
  return a === e ? 0 : a < e ? -1 : 1;
}

type Ops = Exclude<Condition, Scalar | null | readonly Scalar[]>;
// Array.isArray does not narrow readonly arrays: these guards do.
const isList = (c: Condition): c is readonly Scalar[] => Array.isArray(c);
const isOps = (c: Condition): c is Ops => c !== null && typeof c === 'object' && !Array.isArray(c);

function isPresent(v: unknown): boolean {
  return !(v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0));
}

/** One value (not a list) against a condition. */
function holdsFor(value: unknown, cond: Condition): boolean {
  const eq = (x: Scalar): boolean => compareValues(value, x) === 0;
  if (cond === null) return !isPresent(value);
  if (isList(cond)) return cond.some(eq);
  if (!isOps(cond)) return eq(cond);
  const cmp = (x: Scalar, ok: (c: number) => boolean): boolean => {
    const c = compareValues(value, x);
    return c !== null && ok(c);
  };
  if (cond.exists !== undefined && isPresent(value) !== cond.exists) return false;
  if (cond.eq !== undefined && !eq(cond.eq)) return false;
  if (cond.neq !== undefined && eq(cond.neq)) return false;
  if (cond.lt !== undefined && !cmp(cond.lt, (c) => c < 0)) return false;
  if (cond.lte !== undefined && !cmp(cond.lte, (c) => c <= 0)) return false;
  if (cond.gt !== undefined && !cmp(cond.gt, (c) => c > 0)) return false;
  if (cond.gte !== undefined && !cmp(cond.gte, (c) => c >= 0)) return false;
  if (cond.in !== undefined && !cond.in.some(eq)) return false;
  if (cond.notIn !== undefined && cond.notIn.some(eq)) return false;
  return true;
}

/** A to-many value matches when any element does; `exists`/null look at the whole list. */
function conditionHolds(value: unknown, cond: Condition): boolean {
  if (!Array.isArray(value)) return holdsFor(value, cond);
  if (cond === null) return value.length === 0;
  if (isOps(cond) && cond.exists !== undefined) {
    if (value.length > 0 !== cond.exists) return false;
    const { exists: _e, ...rest } = cond;
    if (Object.keys(rest).length === 0) return true;
    return value.some((v) => holdsFor(v, rest));
  }
  if (isOps(cond) && cond.notIn !== undefined) {
    return value.every((v) => holdsFor(v, cond));
  }
  return value.some((v) => holdsFor(v, cond));
}

export function evaluateFilter(
  filter: Filter,
  root: OroOrder['order'],
  lookup: ResourceLookup,
): CriteriaResult {
  const missing: string[] = [];
  let qualifies = true;
  for (const [field, cond] of Object.entries(filter)) {
    const r = resolvePath(root, field, lookup);
    if (!r.found) {
      missing.push(r.missing.replace(' ', ':'));
      qualifies = false;
      continue;
    }
    if (!conditionHolds(r.value, cond)) qualifies = false;
  }
  return { qualifies: missing.length === 0 && qualifies, missing };
}

/** Evaluates the configured criteria (none = every order qualifies). */
export async function evaluateCriteria(
  criteria: Criteria,
  order: OroOrder,
  lookup: ResourceLookup,
): Promise<CriteriaResult> {
  if (criteria === undefined) return { qualifies: true, missing: [] };
  if (typeof criteria === 'function') return { qualifies: Boolean(await criteria(order)), missing: [] };
  return evaluateFilter(criteria, order.order, lookup);
}
