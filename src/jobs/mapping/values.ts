/**
 * Turns an Oro wire value into the value of a contract column, or says exactly why it cannot
 * be stored. Never truncates, never rounds (staging-tables.md "Conventions": a value longer than
 * its column is rejected). Money and quantities stay decimal strings: a JSON number is converted
 * through its shortest round-trip text, never through arithmetic (STYLE.md "Money is never a float").
 */
import type { ColumnDef } from '../../staging/tables.js';

export type CellValue = string | number | boolean | Date | null;
export type Coerced = { ok: true; value: CellValue } | { ok: false; problem: string };

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
// ISO 4217 codes as known to the ICU data of this Node (e.g. USD, EUR; 160+ codes).
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Exact decimal text of a JSON number or numeric string: `1e-7` → `0.0000001`. */
export function decimalText(value: unknown): string | null {
  let s: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    s = String(value);
  } else if (typeof value === 'string') {
    s = value.trim();
  } else return null;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const sign = m[1] === '-' ? '-' : '';
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let point = (m[2] ?? '').length + Number(m[4] ?? 0);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length);
  const int = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits.slice(point);
  const text = frac === '' ? int : `${int}.${frac}`;
  return /^0(\.0*)?$/.test(text) ? text : sign + text;
}

/** Why a decimal text does not fit decimal(precision, scale), or null. Index arithmetic: hot path. */
function checkDecimal(text: string, precision: number, scale: number): string | null {
  const start = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const dot = text.indexOf('.');
  const intEnd = dot < 0 ? text.length : dot;
  let fracEnd = text.length;
  if (dot >= 0) while (fracEnd > dot + 1 && text.charCodeAt(fracEnd - 1) === 48) fracEnd--; // trailing '0'
  const fracDigits = dot < 0 ? 0 : fracEnd - dot - 1;
  if (fracDigits > scale) {
    return `has ${fracDigits} decimal places, the column keeps ${scale} (it would be rounded)`;
  }
  let intStart = start;
  while (intStart < intEnd && text.charCodeAt(intStart) === 48) intStart++; // leading '0'
  const intDigits = intEnd - intStart;
  if (intDigits > precision - scale) {
    return `is out of range: ${intDigits} digits before the decimal point, the column allows ${precision - scale}`;
  }
  return null;
}

// NUL or any UTF-16 surrogate half: only such strings need the exact checks of checkText.
// eslint-disable-next-line no-control-regex -- NUL is exactly what it looks for
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

function checkText(s: string, max: number | 'max', exact?: boolean): string | null {
  if (SUSPECT.test(s)) {
    const p = checkCharacters(s);
    if (p) return p;
  }
  // UTF-16 code units: what nvarchar(n) counts on SQL Server (an emoji takes 2), the stricter rule.
  if (max !== 'max' && s.length > max) {
    return `is ${s.length} characters long, the column holds at most ${max}`;
  }
  if (exact && s.length !== max) return `must be exactly ${String(max)} characters`;
  return null;
}

function checkCharacters(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character, which the staging databases cannot store';
  // In u-mode a paired surrogate is one code point, so \p{Surrogate} only matches lone halves.
  if (/\p{Surrogate}/u.test(s)) return 'contains an unpaired UTF-16 surrogate (broken unicode)';
  return null;
}

function toText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** A value that cannot be stored in its column, and why (the rare case: allocated only then). */
export class Rejected {
  constructor(readonly problem: string) {}
}

// Texts that decimalText returns unchanged: unsigned, no exponent, no superfluous leading zero.
const CANONICAL_DECIMAL = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;
const CANONICAL_WHOLE = /^(?:0|[1-9]\d*)$/;

/** Only strings starting with a character `trim()` may remove can be blank. */
function isBlank(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  return (c <= 32 || c === 0xa0 || c >= 0x1680) && s.trim() === '';
}

/**
 * Coerces and validates one value for its column: the value, or Rejected with the reason.
 * `null`/`undefined`/blank mean "no value". Called once per cell of every staged row, so the
 * common shapes (a string for a text column, a canonical decimal string, a whole number) take a
 * path that allocates nothing; every other input goes through the exact general rules below.
 */
export function coerceValue(col: ColumnDef, raw: unknown): CellValue | Rejected {
  const t = col.type;
  if (raw === null || raw === undefined || (typeof raw === 'string' && isBlank(raw))) {
    if (t.kind !== 'json') return col.nullable ? null : new Rejected('is required but missing');
  }
  const bad = (what: string): Rejected => new Rejected(`${what} (got ${preview(raw)})`);
  switch (t.kind) {
    case 'nvarchar':
    case 'varchar':
    case 'char': {
      const s = toText(raw);
      if (s === null) return bad('is not text');
      const p = checkText(s, t.length);
      if (p) return new Rejected(p);
      if (t.kind === 'char' && t.length === 3 && col.name === 'currency' && !CURRENCIES.has(s)) {
        return bad('is not an ISO 4217 currency code (3 upper-case letters such as USD)');
      }
      return s;
    }
    case 'decimal': {
      const s = typeof raw === 'string' && CANONICAL_DECIMAL.test(raw) ? raw : decimalText(raw);
      if (s === null) return bad('is not a decimal number');
      const p = checkDecimal(s, t.precision, t.scale);
      return p ? new Rejected(`${s} ${p}`) : s;
    }
    case 'int':
    case 'bigint': {
      let s: string | null;
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) s = String(raw);
      else if (typeof raw === 'string' && CANONICAL_WHOLE.test(raw)) s = raw;
      else s = decimalText(raw);
      if (s === null || !/^-?\d+$/.test(s)) return bad('is not a whole number');
      // SQL Server would fail the whole batch with Msg 8115 (arithmetic overflow) in its CAST.
      if (t.kind === 'bigint')
        return inBigintRange(s) ? s : bad('is out of the bigint range (±9223372036854775807)');
      const n = Number(s);
      return n < INT_MIN || n > INT_MAX ? bad('is out of the int range') : n;
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : bad('is not a boolean');
    case 'date': {
      const s = toText(raw);
      const m = s === null ? null : /^(\d{4}-\d{2}-\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
      if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return bad('is not a date (YYYY-MM-DD)');
      return m[1] as string;
    }
    case 'timestamp': {
      const s = toText(raw);
      const d = s === null || !/^\d{4}-\d{2}-\d{2}T/.test(s) ? null : new Date(s);
      if (!d || Number.isNaN(d.getTime())) return bad('is not an ISO 8601 date-time');
      return d;
    }
    case 'json': {
      const text = JSON.stringify(raw ?? {});
      // jsonb rejects the \u0000 escape (PostgreSQL docs, "JSON Types").
      if (text.includes('\\u0000')) return new Rejected('contains a NUL character');
      const p = checkText(text, 'max');
      return p ? new Rejected(p) : text;
    }
  }
}

/** coerceValue as a result object. */
export function coerce(col: ColumnDef, raw: unknown): Coerced {
  const v = coerceValue(col, raw);
  return v instanceof Rejected ? { ok: false, problem: v.problem } : { ok: true, value: v };
}

export function preview(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

const BIGINT_MAX = 9223372036854775807n;

function inBigintRange(s: string): boolean {
  const n = BigInt(s);
  return n <= BIGINT_MAX && n >= -BIGINT_MAX - 1n;
}
