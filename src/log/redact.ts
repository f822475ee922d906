/**
 * Masks secrets in everything sagesync prints, logs or e-mails (issue 6 "Secrets never reach any
 * output"). Two layers: the exact values we know (configured secrets, access tokens the Oro client
 * reports through `addSecret`) and generic patterns for values we were never told about
 * (`Authorization` headers, `password=`, URL userinfo, PEM private keys).
 *
 * Objects are walked: keys that name a secret are masked whatever their value, and error objects
 * of axios and the database drivers are reduced to their message and codes, because they carry the
 * request configuration with its headers (faros-ai `wrapApiError` does the same, STYLE.md).
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { SecretSink } from './types.js';

export const MASK = '[redacted]';

/** Secrets shorter than this are not masked as literals: masking every "ab" would garble logs. */
const MIN_SECRET_LENGTH = 3;

/** Keys whose value is a secret, whatever it looks like. */
const SECRET_KEY =
  /^(password|passwd|pwd|pass|passphrase|secret|client_?secret|(access|refresh|id)_?token|token|authorization|proxy-authorization|cookie|set-cookie|private_?key|api_?key)$/i;

const PATTERNS: { re: RegExp; replace: string }[] = [
  // PEM private keys (the SSH key of the tunnel, a TLS client key).
  {
    re: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g,
    replace: `-----BEGIN $1PRIVATE KEY----- ${MASK} -----END $1PRIVATE KEY-----`,
  },
  // Authorization: Bearer <token> / Basic <base64> / any other scheme.
  { re: /\b(Bearer|Basic|Digest|NTLM|Negotiate)\s+[A-Za-z0-9\-._~+/=]{4,}/gi, replace: `$1 ${MASK}` },
  // "password": "…", 'client_secret': '…' (JSON text, inspected objects).
  {
    re: /(["']?(?:password|passwd|pwd|passphrase|client_secret|clientSecret|access_token|accessToken|refresh_token|token|secret)["']?\s*[:=]\s*)(["'])(?:\\.|(?!\2).)*\2/gi,
    replace: `$1$2${MASK}$2`,
  },
  // password=…, client_secret=… in query strings, form bodies, connection strings.
  {
    re: /\b(password|passwd|pwd|passphrase|client_secret|access_token|refresh_token|token|secret)=([^&\s;,"']+)/gi,
    replace: `$1=${MASK}`,
  },
  // URL userinfo: postgres://user:PASS@host, mssql://user:PASS@host.
  { re: /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@/\s]+)@/gi, replace: `$1:${MASK}@` },
];

export class Redactor implements SecretSink {
  private readonly secrets = new Set<string>();
  private literal: RegExp | null = null;

  /** Masks this value from now on (and its URL- and form-encoded forms). Ignores empty values. */
  addSecret(secret: string | null | undefined): void {
    if (typeof secret !== 'string') return;
    const value = secret.trim();
    if (value.length < MIN_SECRET_LENGTH) return;
    const before = this.secrets.size;
    for (const form of [value, encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+')]) {
      this.secrets.add(form);
    }
    // A private key file: mask each base64 line too, in case it is printed wrapped differently.
    if (value.includes('PRIVATE KEY')) {
      for (const line of value.split(/\r?\n/))
        if (line.length >= 16 && !line.startsWith('-----')) this.secrets.add(line);
    }
    if (this.secrets.size !== before) this.literal = null;
  }

  /** Every configured secret: Oro client secret, database, SMTP and SSH credentials. */
  addConfigSecrets(config: Config): void {
    this.addSecret(config.oro.clientSecret);
    this.addSecret(config.staging.password);
    if (config.staging.url) this.addSecret(passwordOfUrl(config.staging.url));
    this.addSecret(config.notifications.smtp?.password);
    // A ping URL is a credential (whoever has it can ping): its path and query are masked.
    const heartbeat = config.monitoring?.heartbeat?.url;
    if (heartbeat) for (const part of secretPartsOfUrl(heartbeat)) this.addSecret(part);
    const pushgateway = config.monitoring?.pushgateway?.url;
    if (pushgateway) this.addSecret(passwordOfUrl(pushgateway));
    const tunnel = config.staging.sshTunnel;
    if (tunnel) {
      this.addSecret(tunnel.passphrase);
      try {
        this.addSecret(readFileSync(tunnel.privateKeyFile, 'utf8'));
      } catch {
        // Unreadable key: the tunnel reports that; the PEM pattern still masks any key text.
      }
    }
  }

  /** Masks a string. */
  redact(text: string): string {
    let out = text;
    const literal = this.literalPattern();
    if (literal) out = out.replace(literal, MASK);
    for (const p of PATTERNS) out = out.replace(p.re, p.replace);
    return out;
  }

  /**
   * A masked copy of any value, safe to log or print as JSON: strings masked, secret-named keys
   * replaced, errors reduced to `{ name, message, code, … }` without request configuration.
   */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 8) return '[…]';
    if (value instanceof Date) return value;
    if (value instanceof Error) return this.redactValue(describeError(value), depth + 1);
    if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, depth + 1));
    if (value instanceof Map) return this.redactValue(Object.fromEntries(value), depth + 1);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY.test(k) && v !== null && v !== undefined && v !== ''
          ? MASK
          : this.redactValue(v, depth + 1);
    }
    return out;
  }

  /** A one-line masked message for an error of any origin (axios, pg, mssql, ssh2, ours). */
  errorMessage(err: unknown): string {
    if (err instanceof Error) return this.redact(err.message);
    return this.redact(String(err));
  }

  private literalPattern(): RegExp | null {
    if (this.literal === null && this.secrets.size > 0) {
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.literal = new RegExp(sorted.join('|'), 'g');
    }
    return this.literal;
  }
}

/** A redactor knowing every secret of the configuration. */
export function createRedactor(config?: Config): Redactor {
  const r = new Redactor();
  if (config) r.addConfigSecrets(config);
  return r;
}

/**
 * The useful, secret-free part of an error. axios errors carry `config` (headers with the bearer
 * token, the form body with the client secret) and `request`/`response` objects: only the method,
 * URL, status and response body are kept. pg and mssql errors keep their codes and detail.
 */
function describeError(err: Error): Record<string, unknown> {
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  for (const key of [
    'code',
    'errno',
    'syscall',
    'address',
    'port',
    'detail',
    'hint',
    'severity',
    'number',
    'state',
    'kind',
    'service',
  ]) {
    const v = e[key];
    if (v !== undefined && v !== null && (typeof v === 'string' || typeof v === 'number')) out[key] = v;
  }
  if (typeof e.hint === 'string') out.hint = e.hint;
  const cfg = e.config as { method?: unknown; url?: unknown } | undefined;
  if (e.isAxiosError === true || (cfg && typeof cfg === 'object' && 'headers' in cfg)) {
    if (typeof cfg?.method === 'string') out.method = cfg.method.toUpperCase();
    if (typeof cfg?.url === 'string') out.url = cfg.url;
    const res = e.response as { status?: unknown; data?: unknown } | undefined;
    if (res && typeof res === 'object') {
      out.status = res.status;
      out.responseBody = res.data;
    }
  }
  if (e.stack && process.env.SAGESYNC_DEBUG_STACKS === '1') out.stack = e.stack;
  if (e.cause !== undefined) out.cause = e.cause instanceof Error ? describeError(e.cause) : String(e.cause);
  const original = e.originalError;
  if (original instanceof Error && original !== e) out.originalError = describeError(original);
  return out;
}

function passwordOfUrl(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The parts of a URL that may be its credential: the path and query as a whole, and each path
 * segment or query value that looks like a key (8+ characters with a digit: a UUID, a token), so
 * `<url>/fail?rid=…` is masked too. Words such as `ping` stay readable.
 */
function secretPartsOfUrl(url: string): string[] {
  try {
    const u = new URL(url);
    const whole = `${u.pathname}${u.search}`.replace(/^\/+/, '').replace(/\/+$/, '');
    const pieces = [...u.pathname.split('/'), ...[...u.searchParams.values()]];
    return [whole, ...pieces.filter((p) => p.length >= 8 && /\d/.test(p))].filter((p) => p.length > 0);
  } catch {
    return [];
  }
}
