/**
 * Keeps secrets out of logs and error objects (STYLE.md "Secrets cannot reach a log").
 * Every value handed to the communication observer or put into an error passes through here.
 */
const MASK = '***';

const SECRET_KEYS = new Set(['client_secret', 'access_token', 'refresh_token', 'password']);

/** Deep copy of `value` with secret members masked and every known secret string replaced. */
export function redact(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.has(k) && typeof v === 'string' ? MASK : redact(v, secrets);
    }
    return out;
  }
  return value;
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    // Short secrets would mask innocent text; configured secrets and JWTs are long.
    if (s.length >= 4 && out.includes(s)) out = out.split(s).join(MASK);
  }
  return out;
}
