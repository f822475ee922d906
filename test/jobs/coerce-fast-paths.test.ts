/**
 * coerceValue takes allocation-free shortcuts for the common shapes (canonical decimal strings,
 * whole numbers, non-blank text). These tests pin every shortcut to the general rules it skips:
 * the reference below is the straightforward statement of those rules (decimalText, then a
 * split/regex digit count), and both must agree on a generated set of awkward inputs.
 */
import { describe, expect, it } from 'vitest';
import { coerce, decimalText } from '../../src/jobs/mapping/values.js';
import { column, ORDER, ORDER_LINE, type ColumnDef } from '../../src/staging/tables.js';

function referenceDecimal(raw: unknown, precision: number, scale: number): string | null {
  const blank = raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');
  if (blank) return 'missing';
  const s = decimalText(raw);
  if (s === null) return 'not a decimal';
  const [intPart = '0', fracRaw = ''] = s.replace(/^-/, '').split('.');
  if (fracRaw.replace(/0+$/, '').length > scale) return 'rounded';
  if (intPart.replace(/^0+/, '').length > precision - scale) return 'range';
  return s;
}

function outcome(raw: unknown, col = column(ORDER, 'total')): string | number | null {
  const c = coerce(col, raw);
  if (c.ok) return c.value as string | number | null;
  if (/required but missing/.test(c.problem)) return 'missing';
  if (/not a decimal|not a whole/.test(c.problem)) return 'not a decimal';
  if (/rounded/.test(c.problem)) return 'rounded';
  if (/out of range|int range/.test(c.problem)) return 'range';
  return c.problem;
}

// A small deterministic generator: every combination of sign, leading zeros, digits, fraction,
// trailing zeros, exponent and surrounding blanks that a JSON producer might send.
function decimalInputs(): unknown[] {
  const out: unknown[] = [];
  for (const sign of ['', '-', '+'])
    for (const lead of ['', '0', '00'])
      for (const int of ['', '0', '7', '123456789012345', '1234567890123456'])
        for (const frac of ['', '.', '.5', '.0000', '.1234', '.12345', '.10000'])
          for (const exp of ['', 'e2', 'E-3'])
            for (const pad of ['', ' ', '\u00a0']) out.push(`${pad}${sign}${lead}${int}${frac}${exp}${pad}`);
  out.push(0, -0, 1, -1, 2.5, 1e-7, 1e21, 123456789012345, 2 ** 53, Number.NaN, Infinity, true, {}, []);
  return out;
}

describe('coerce shortcuts agree with the general rules', () => {
  it('decimal columns: every generated input ends the same way', () => {
    const money = column(ORDER, 'total');
    for (const raw of decimalInputs()) {
      expect([raw, outcome(raw, money)]).toEqual([raw, referenceDecimal(raw, 19, 4)]);
    }
  });

  it('whole-number columns: numbers and strings, in and out of range', () => {
    const int = column(ORDER_LINE, 'line_number');
    const big: ColumnDef = { name: 'external_ref', type: { kind: 'bigint' }, nullable: true };
    const cases: [unknown, unknown, unknown][] = [
      [7, 7, '7'],
      [-0, 0, '0'],
      ['42', 42, '42'],
      ['042', 42, '42'],
      ['4.0', 'not a decimal', 'not a decimal'],
      ['4.5', 'not a decimal', 'not a decimal'],
      [2147483648, 'range', '2147483648'],
      [2 ** 53 + 2, 'range', '9007199254740994'],
      ['9223372036854775807', 'range', '9223372036854775807'],
      [1.5, 'not a decimal', 'not a decimal'],
      [' 12 ', 12, '12'],
    ];
    for (const [raw, asInt, asBig] of cases) {
      expect([raw, outcome(raw, int)]).toEqual([raw, asInt]);
      expect([raw, outcome(raw, big)]).toEqual([raw, asBig]);
    }
  });

  it('text columns: blanks of every kind are missing, other text is kept as sent', () => {
    const po = column(ORDER, 'po_number'); // nullable
    const sku = column(ORDER_LINE, 'sku'); // required
    for (const blank of ['', ' ', '\t\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028']) {
      expect(coerce(po, blank)).toEqual({ ok: true, value: null });
      expect(coerce(sku, blank)).toMatchObject({ ok: false, problem: 'is required but missing' });
    }
    for (const text of ['a', ' a', '\u00a0x', 'Tür 3; "Hof"', '王', '😀']) {
      expect(coerce(po, text)).toEqual({ ok: true, value: text });
    }
    expect(coerce(po, 'ok\u0000')).toMatchObject({ ok: false, problem: expect.stringMatching(/NUL/) });
    expect(coerce(po, '\uDE00x')).toMatchObject({ ok: false, problem: expect.stringMatching(/surrogate/) });
  });
});
