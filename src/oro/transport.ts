/**
 * The one place every HTTP exchange with Oro goes through (token and API alike), so that
 * communication logging sees all of them, with secrets masked (src/oro/redact.ts).
 * One attempt per call: retries, token renewal and classification live in src/oro/retry.ts
 * and src/oro/client.ts.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { ServiceUnavailableError } from '../errors.js';
import type { CommunicationObserver } from '../log/types.js';
import { redact, redactText } from './redact.js';

interface Exchange {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** Already serialised: axios must not touch it (it would add `; charset=…`, docs/oro.md). */
  body?: string;
}

export interface ExchangeResult {
  status: number;
  headers: Record<string, string | undefined>;
  /** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
  body: unknown;
}

/** No HTTP answer at all (reset, refused, timeout, DNS). Carries no request config or headers. */
export class NetworkError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'NetworkError';
    this.code = code;
  }
}

/** NetworkError code of an answer over oro.maxResponseBytes: not retried (it would come again). */
export const RESPONSE_TOO_LARGE = 'ERR_RESPONSE_TOO_LARGE';

/**
 * OpenSSL's verification results as Node reports them (`err.code`: SELF_SIGNED_CERT_IN_CHAIN,
 * UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_HAS_EXPIRED, …, and ERR_TLS_CERT_ALTNAME_INVALID for a
 * name mismatch; https://nodejs.org/api/tls.html#x509-certificate-error-codes): the certificate
 * is not trusted, which no retry changes.
 */
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

/** Oro's certificate is not trusted: fatal at once (exit 69), naming oro.tls.caFile. */
function untrusted(url: string, problem: string, caFile: string | undefined): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'oro',
    `Oro's certificate at ${new URL(url).origin} is not trusted (${problem}).`,
    {
      hint: caFile
        ? `oro.tls.caFile (${caFile}) does not verify it: check that the file holds the certificate authority that issued Oro's certificate, and that the certificate names the host of oro.url.`
        : "If Oro's certificate is issued by a private certificate authority, set oro.tls.caFile to that authority's PEM file.",
    },
  );
}

/** Calls `fire` after `ms` unless the returned cancel is called first. */
export type DeadlineTimer = (fire: () => void, ms: number) => () => void;

const realTimer: DeadlineTimer = (fire, ms) => {
  const t = setTimeout(fire, ms);
  return () => clearTimeout(t);
};

export interface Transport {
  exchange(x: Exchange): Promise<ExchangeResult>;
  close(): void;
}

export function createTransport(opts: {
  /** Total time for one exchange, from sending to the last byte (not an idle timeout). */
  timeoutMs: number;
  /** Largest response body accepted (after decompression); a larger one fails unread. */
  maxResponseBytes?: number;
  onHttp?: CommunicationObserver;
  /** Current secrets (client secret, tokens) to mask in events and error messages. */
  secrets: () => readonly string[];
  /** oro.tls.caFile and its PEM: the certificate authorities trusted instead of the system's. */
  ca?: { file: string; pem: string };
  /** Calls `fire` after `ms`; returns the cancel. Injected by tests that decide when it fires. */
  timer?: DeadlineTimer;
}): Transport {
  const timer = opts.timer ?? realTimer;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const httpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets: 16,
    ...(opts.ca ? { ca: opts.ca.pem } : {}),
  });
  const maxBytes = opts.maxResponseBytes ?? Infinity;
  const ax: AxiosInstance = axios.create({
    // axios's `timeout` is a socket idle timeout on Node (ClientRequest#setTimeout): a server
    // sending one byte a second never trips it. It stays as the connect/idle guard; the total
    // deadline is the abort signal of each request (exchange below).
    timeout: opts.timeoutMs,
    httpAgent,
    httpsAgent,
    validateStatus: () => true,
    responseType: 'text',
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    // Counted on the decompressed stream, so a small gzip bomb is stopped too.
    maxContentLength: maxBytes,
    maxBodyLength: Infinity,
    // Redirects are reported, not followed (redirectProblem): a redirect to another host would
    // lose the bearer token, and Oro's API answers without them when oro.url is right. It also
    // keeps axios on Node's own http client: its redirect wrapper held on to every response body
    // until a full garbage collection (a page is ~1 MB of text), so memory grew with the backlog.
    maxRedirects: 0,
  });

  async function exchange(x: Exchange): Promise<ExchangeResult> {
    const started = performance.now();
    const emit = (status: number | null, responseBody?: unknown, error?: string): void => {
      if (!opts.onHttp) return;
      const secrets = opts.secrets();
      const bodies = opts.onHttp.withBodies !== false;
      opts.onHttp({
        kind: 'http',
        method: x.method,
        url: redactText(x.url, secrets),
        status,
        durationMs: Math.round(performance.now() - started),
        ...(bodies && x.body !== undefined ? { requestBody: redact(parseMaybe(x.body), secrets) } : {}),
        ...(bodies && responseBody !== undefined ? { responseBody: redact(responseBody, secrets) } : {}),
        ...(error !== undefined ? { error: redactText(error, secrets) } : {}),
      });
    };
    const abort = new AbortController();
    const cancel = timer(() => abort.abort(), opts.timeoutMs);
    try {
      const res = await ax.request<string>({
        method: x.method,
        url: x.url,
        headers: { 'User-Agent': 'sagesync', ...x.headers },
        data: x.body,
        signal: abort.signal,
      });
      const text = typeof res.data === 'string' ? res.data : '';
      const body = text === '' ? undefined : parseMaybe(text);
      emit(res.status, body);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v == null ? undefined : String(v);
      }
      return { status: res.status, headers, body };
    } catch (err) {
      // axios errors hold config.headers (the bearer token): keep only code and message.
      const e = err as { code?: string; message?: string };
      let code = e.code ?? 'ERR_NETWORK';
      let text = `${code}: ${e.message ?? 'request failed'}`;
      if (abort.signal.aborted) {
        code = 'ETIMEDOUT';
        text = `ETIMEDOUT: no complete answer within oro.timeoutMs (${opts.timeoutMs} ms)`;
      } else if (/maxContentLength/.test(e.message ?? '')) {
        code = RESPONSE_TOO_LARGE;
        text = `the answer is larger than oro.maxResponseBytes (${maxBytes} bytes)`;
      }
      const message = redactText(text, opts.secrets());
      emit(null, undefined, message);
      if (CERTIFICATE_CODE.test(code)) throw untrusted(x.url, message, opts.ca?.file);
      throw new NetworkError(code, message);
    } finally {
      cancel();
    }
  }

  return {
    exchange,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function parseMaybe(text: string): unknown {
  const c = text.charCodeAt(0);
  if (c !== 123 && c !== 91) return text; // not '{' or '['
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The message part for a 3xx answer: where Oro points to, and what to set instead. */
export function redirectProblem(status: number, headers: Record<string, string | undefined>): string {
  const location = headers['location'];
  return (
    `a redirect (${status}${location ? ` to ${location}` : ''}), which sagesync does not follow: ` +
    'set oro.url to the address Oro answers on (often https:// instead of http://)'
  );
}

export const isRedirect = (status: number): boolean => status >= 300 && status < 400;
