/**
 * OAuth 2 client credentials
 * (https://doc.oroinc.com/api/authentication/oauth-client-credentials/): `POST {url}/oauth2-token`
 * (not under /admin), JSON body. The token is cached and renewed before it expires; there is no
 * refresh token for this grant.
 */
import { ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../log/types.js';
import { backoffMs, isRetriableStatus, retryAfterMs } from './retry.js';
import { isRedirect, NetworkError, redirectProblem, type Transport } from './transport.js';
import { throwIfStopped } from '../stop-wait.js';

export interface TokenSourceOptions {
  url: string;
  clientId: string;
  clientSecret: string;
  maxRetries: number;
  transport: Transport;
  logger: Logger;
  sleep: (ms: number, stop?: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
  /** The run's stop signal: it ends a wait before a retry, and no retry starts after it. */
  stop?: () => AbortSignal | undefined;
}

export class TokenSource {
  private token: { value: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;
  /** Recent tokens, for masking in logs (a log line may be written after a renewal). */
  readonly issued: string[] = [];

  constructor(private readonly o: TokenSourceOptions) {}

  /** A valid token, fetched once for any number of concurrent callers. */
  async get(): Promise<string> {
    if (this.token && this.o.now() < this.token.renewAt) return this.token.value;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Oro answered 401 to this token: forget it so the next get() fetches a new one. */
  invalidate(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  private async fetch(): Promise<string> {
    const url = `${this.o.url}/oauth2-token`;
    const body = JSON.stringify({
      grant_type: 'client_credentials',
      client_id: this.o.clientId,
      client_secret: this.o.clientSecret,
    });
    let last = '';
    let retryAfter: number | undefined;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        const during = (): string => `waiting to retry Oro's token endpoint ${url} (${last})`;
        throwIfStopped(this.o.stop?.(), during);
        await this.o.sleep(retryAfter ?? backoffMs(attempt, this.o.random), this.o.stop?.());
        throwIfStopped(this.o.stop?.(), during);
      }
      retryAfter = undefined;
      let status: number;
      let res;
      try {
        res = await this.o.transport.exchange({
          method: 'POST',
          url,
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body,
        });
        status = res.status;
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        last = err.message;
        if (attempt < this.o.maxRetries) continue;
        throw unavailable(`Could not reach Oro's token endpoint ${url} (${last}).`, err);
      }
      if (status === 200) return this.accept(res.body, url);
      if (status === 401 || status === 400) {
        const b = (res.body ?? {}) as { error?: string; error_description?: string };
        throw new ServiceUnavailableError(
          'oro',
          `Oro refused the OAuth client credentials of client id "${this.o.clientId}" ` +
            `(${status} ${b.error ?? ''}${b.error_description ? `: ${b.error_description}` : ''}).`,
          {
            hint:
              'Check oro.clientId and oro.clientSecret (SAGESYNC_ORO_CLIENT_SECRET) against the back-office ' +
              'OAuth application (System > User Management > OAuth Applications, grant "Client Credentials", active).',
          },
        );
      }
      if (isRedirect(status)) {
        throw new ServiceUnavailableError(
          'oro',
          `Oro's token endpoint ${url} answered with ${redirectProblem(status, res.headers)}.`,
        );
      }
      last = `HTTP ${status}`;
      if (!isRetriableStatus(status) || attempt >= this.o.maxRetries) {
        throw unavailable(`Oro's token endpoint ${url} answered ${status}.`);
      }
      retryAfter = retryAfterMs(res.headers['retry-after']);
      this.o.logger.warn(`Oro token endpoint answered ${status}; retrying`, { attempt: attempt + 1 });
    }
  }

  private accept(body: unknown, url: string): string {
    const b = (body ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof b.access_token !== 'string' || b.access_token === '') {
      throw unavailable(`Oro's token endpoint ${url} answered 200 without an access_token.`);
    }
    const lifetimeMs = (typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 3600) * 1000;
    // Renew a little early: 10% of the lifetime, at most a minute (docs/oro.md).
    const margin = Math.min(60_000, lifetimeMs / 10);
    this.token = { value: b.access_token, renewAt: this.o.now() + lifetimeMs - margin };
    this.issued.push(b.access_token);
    if (this.issued.length > 8) this.issued.shift();
    return b.access_token;
  }
}

function unavailable(message: string, cause?: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError('oro', message, {
    cause,
    hint: 'Check oro.url and that OroCommerce is up; the next run will try again.',
  });
}
