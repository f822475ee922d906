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

function checkDecimal(text: string, precision: number, scale: number): string | null {
  const [intPart = '0', fracRaw = ''] = text.replace(/^-/, '').split('.');
  const frac = fracRaw.replace(/0+$/, '');
  if (frac.length > scale) {
    return `has ${frac.length} decimal places, the column keeps ${scale} (it would be rounded)`;
  }
  const intDigits = intPart.replace(/^0+/, '').length;
  if (intDigits > precision - scale) {
    return `is out of range: ${intDigits} digits before the decimal point, the column allows ${precision - scale}`;
  }
  return null;
}

function checkText(s: string, max: number | 'max', exact?: boolean): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character, which the staging databases cannot store';
  // In u-mode a paired surrogate is one code point, so \p{Surrogate} only matches lone halves.
  if (/\p{Surrogate}/u.test(s)) return 'contains an unpaired UTF-16 surrogate (broken unicode)';
  // UTF-16 code units: what nvarchar(n) counts on SQL Server (an emoji takes 2), the stricter rule.
  if (max !== 'max' && s.length > max) {
    return `is ${s.length} characters long, the column holds at most ${max}`;
  }
  if (exact && s.length !== max) return `must be exactly ${String(max)} characters`;
  return null;
}

function toText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** Coerces and validates one value for its column. `null`/`undefined` mean "no value". */
export function coerce(col: ColumnDef, raw: unknown): Coerced {
  const t = col.type;
  const empty = raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');
  if (empty && t.kind !== 'json') {
    return col.nullable ? { ok: true, value: null } : { ok: false, problem: 'is required but missing' };
  }
  const bad = (what: string): Coerced => ({ ok: false, problem: `${what} (got ${preview(raw)})` });
  switch (t.kind) {
    case 'nvarchar':
    case 'varchar':
    case 'char': {
      const s = toText(raw);
      if (s === null) return bad('is not text');
      const p = checkText(s, t.length);
      if (p) return { ok: false, problem: p };
      if (t.kind === 'char' && t.length === 3 && col.name === 'currency' && !CURRENCIES.has(s)) {
        return bad('is not an ISO 4217 currency code (3 upper-case letters such as USD)');
      }
      return { ok: true, value: s };
    }
    case 'decimal': {
      const s = decimalText(raw);
      if (s === null) return bad('is not a decimal number');
      const p = checkDecimal(s, t.precision, t.scale);
      return p ? { ok: false, problem: `${s} ${p}` } : { ok: true, value: s };
    }
    case 'int':
    case 'bigint': {
      const s = decimalText(raw);
      if (s === null || !/^-?\d+$/.test(s)) return bad('is not a whole number');
      if (t.kind === 'bigint') return { ok: true, value: s };
      const n = Number(s);
      return n < INT_MIN || n > INT_MAX ? bad('is out of the int range') : { ok: true, value: n };
    }
    case 'boolean':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : bad('is not a boolean');
    case 'date': {
      const s = toText(raw);
      const m = s === null ? null : /^(\d{4}-\d{2}-\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
      if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return bad('is not a date (YYYY-MM-DD)');
      return { ok: true, value: m[1] as string };
    }
    case 'timestamp': {
      const s = toText(raw);
      const d = s === null || !/^\d{4}-\d{2}-\d{2}T/.test(s) ? null : new Date(s);
      if (!d || Number.isNaN(d.getTime())) return bad('is not an ISO 8601 date-time');
      return { ok: true, value: d };
    }
    case 'json': {
      const text = JSON.stringify(raw ?? {});
      // jsonb rejects the \u0000 escape (PostgreSQL docs, "JSON Types").
      if (text.includes('\\u0000')) return { ok: false, problem: 'contains a NUL character' };
      const p = checkText(text, 'max');
      return p ? { ok: false, problem: p } : { ok: true, value: text };
    }
  }
}

export function preview(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
