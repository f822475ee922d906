/** Oro wire formats (docs/oro.md). */

/** `YYYY-MM-DDThh:mm:ssZ`: UTC, second precision, `+00:00` written as `Z`. */
export function oroDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Money from an integer count of 1/10000 units: a string with exactly 4 decimals. */
export function money(tenThousandths: bigint | number): string {
  const v = BigInt(tenThousandths);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const s = abs.toString().padStart(5, '0');
  return `${neg ? '-' : ''}${s.slice(0, -4)}.${s.slice(-4)}`;
}

/** A JSON number or numeric string (docs/oro.md "On input") → 4-decimal string; null if invalid. */
export function parseMoney(value: unknown): string | null {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return null;
  const frac = (m[3] ?? '').padEnd(4, '0');
  // Rounds half up beyond 4 decimals, as the DECIMAL(19,4) column would.
  let units = BigInt(m[2]!) * 10000n + BigInt(frac.slice(0, 4));
  if (frac.length > 4 && Number(frac[4]) >= 5) units += 1n;
  return money(m[1] === '-' ? -units : units);
}

/** Decimal: string with trailing zeros trimmed (`"12.5"`). */
export function parseDecimal(value: unknown): string | null {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
