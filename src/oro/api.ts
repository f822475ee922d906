/**
 * One JSON:API call with everything docs/oro.md asks of a client: exact media types
 * (https://doc.oroinc.com/api/client-requirements/), bearer token with renew-once-on-401 (an
 * expired token is an empty 401: platform 6.1.0
 * `src/Oro/Bundle/ApiBundle/Processor/Shared/RemoveEmptyUnauthorizedResponseError.php`), retries
 * with backoff for network errors, 5xx and 429/503 honouring Retry-After, and classification of
 * what is left (docs/oro.md, "What happens when something fails"): record-level →
 * OroRecordError, fatal → ServiceUnavailableError.
 */
import { ServiceUnavailableError, TimeBudgetSpentError } from '../errors.js';
import type { Logger } from '../log/types.js';
import type { TokenSource } from './auth.js';
import { errorObjects, OroNotFoundError, OroRecordError } from './errors.js';
import type { Deadline } from './types.js';
import { notJsonApi } from './document-check.js';
import { throwIfStopped } from '../stop-wait.js';
import { backoffMs, isAmbiguousStatus, isRetriableStatus, retryAfterMs } from './retry.js';
import {
  isRedirect,
  NetworkError,
  redirectProblem,
  RESPONSE_TOO_LARGE,
  type ExchangeResult,
  type Transport,
} from './transport.js';

/** Oro answers 415 when Content-Type carries any parameter (docs/oro.md): exact strings. */
const JSON_API = 'application/vnd.api+json';

interface CallOptions {
  /** POST is not: an ambiguous failure is checked with `verify` before sending it again. */
  idempotent?: boolean;
  /** Looks for the effect of a possibly applied request; returns the resource when found. */
  verify?: () => Promise<unknown>;
  /** `X-Include` values (docs/oro.md), e.g. `noHateoas`. */
  xInclude?: string[];
}

export interface ApiDeps {
  apiBase: string;
  clientId: string;
  maxRetries: number;
  transport: Transport;
  tokens: TokenSource;
  logger: Logger;
  /** Waits `ms`, or less when `stop` is aborted meanwhile. */
  sleep: (ms: number, stop?: AbortSignal) => Promise<void>;
  random: () => number;
  /** The run's time budget, on the runner's clock: read before each attempt. */
  deadline: () => Deadline | undefined;
  /** The run's stop signal: it ends a wait, and no retry starts after it (StopSignalError). */
  stop: () => AbortSignal | undefined;
  now: () => number;
}

export type Call = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  pathAndQuery: string,
  body?: unknown,
  options?: CallOptions,
) => Promise<ExchangeResult>;

export function createCall(d: ApiDeps): Call {
  // A 429/503 with Retry-After is about the server (or the WAF in front of it), not about one
  // request: until it has passed, no call of this client sends anything, so that concurrent
  // fetches slow down together instead of the others carrying on into more refusals. The hold
  // ends when the call that was told to wait has waited (with an injected sleep, at once).
  let hold: { until: number } | null = null;
  return async function call(method, pathAndQuery, body, options = {}) {
    const idempotent = options.idempotent ?? method !== 'POST';
    const url = d.apiBase + pathAndQuery;
    const label = `${method} ${pathAndQuery.split('?')[0]}`;
    const headers: Record<string, string> = { Accept: JSON_API };
    if (body !== undefined) headers['Content-Type'] = JSON_API;
    if (options.xInclude?.length) headers['X-Include'] = options.xInclude.join(';');
    const payload = body === undefined ? undefined : JSON.stringify(body);

    let failures = 0;
    let previous401 = false;
    let waited = false;
    for (;;) {
      const held = hold === null || waited ? 0 : hold.until - d.now();
      if (held > 0) {
        await d.sleep(held, d.stop());
        throwIfStopped(d.stop(), () => `waiting out Oro's Retry-After before ${label}`);
      }
      waited = false;
      const deadline = d.deadline();
      if (deadline !== undefined && deadline.now() >= deadline.at) throw new TimeBudgetSpentError();
      const token = await d.tokens.get();
      let res: ExchangeResult | undefined;
      let problem: string;
      let ambiguous: boolean;
      let wait: number | undefined;
      try {
        res = await d.transport.exchange({
          method,
          url,
          headers: { ...headers, Authorization: `Bearer ${token}` },
          body: payload,
        });
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        if (err.code === RESPONSE_TOO_LARGE) {
          throw new ServiceUnavailableError('oro', `Oro's answer to ${label} was refused: ${err.message}.`, {
            hint: 'Raise oro.maxResponseBytes if pages this large are expected, or lower oro.pageSize.',
          });
        }
        problem = err.message;
        ambiguous = err.code !== 'ECONNREFUSED';
      }
      if (res) {
        const { status } = res;
        if (status < 300) {
          const odd = status === 204 ? null : notJsonApi(res);
          if (odd === null) return res;
          throw new ServiceUnavailableError('oro', `Oro answered ${label} with ${status} but ${odd}.`, {
            hint:
              'Something in front of Oro (a maintenance page, a proxy or a login wall) may be answering ' +
              'instead of its API: check oro.url and that OroCommerce is up; the next run will try again.',
          });
        }
        if (status === 401) {
          // Expired or revoked token (empty body): renew once and retry once (docs/oro.md).
          if (previous401) throw fatal401(d.clientId, label);
          previous401 = true;
          d.tokens.invalidate(token);
          continue;
        }
        previous401 = false;
        if (!isRetriableStatus(status)) throw classify(method, pathAndQuery, d.apiBase, res);
        problem = `HTTP ${status}`;
        ambiguous = isAmbiguousStatus(status);
        wait = retryAfterMs(res.headers['retry-after']);
      }
      previous401 = false;
      failures++;
      if (failures > d.maxRetries) {
        throw new ServiceUnavailableError(
          'oro',
          `Oro did not answer ${label} after ${failures} attempts (last: ${problem!}).`,
          { hint: 'Check that OroCommerce is up and reachable at oro.url; the next run will try again.' },
        );
      }
      const delay = wait ?? backoffMs(failures, d.random);
      // A retry is new work: none starts after a signal, and a signal ends the wait before it.
      const stopped = (): string => `waiting to retry ${label} (${problem!})`;
      throwIfStopped(d.stop(), stopped);
      d.logger.warn(`Oro ${label}: ${problem!}; retry ${failures} of ${d.maxRetries} in ${delay} ms`);
      const mine = wait === undefined ? null : { until: Math.max(hold?.until ?? 0, d.now() + wait) };
      if (mine) hold = mine;
      await d.sleep(delay, d.stop());
      if (mine && hold === mine) hold = null;
      throwIfStopped(d.stop(), stopped);
      waited = true;
      if (!idempotent && ambiguous! && options.verify) {
        const found = await options.verify();
        if (found !== undefined) return { status: 200, headers: {}, body: { data: found } };
      }
    }
  };
}

function fatal401(clientId: string, label: string): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'oro',
    `Oro refused a freshly issued access token of client id "${clientId}" (401 on ${label}).`,
    {
      hint:
        'The OAuth application must be a back-office (not storefront) application and the Web API ' +
        'feature must be enabled (System Configuration > Application Settings > Web API).',
    },
  );
}

/**
 * Oro's detail for a record that does not exist (oroinc/platform
 * src/Oro/Bundle/ApiBundle/Processor/Shared/ValidateEntityExists.php @6.1.0). Any other 404 is no
 * answer about a record: the Web API feature off, or a wrong path or backend prefix (oroinc/platform
 * src/Oro/Bundle/ApiBundle/Security/Http/Firewall/FeatureAccessListener.php @6.1.0).
 */
const ENTITY_NOT_FOUND = 'An entity with the requested identifier does not exist.';

/** A request about one record (GET/PATCH of `type/id…`, any POST), not a list of a type. */
function isRecordRequest(method: string, pathAndQuery: string): boolean {
  return method !== 'GET' || (pathAndQuery.split('?')[0] ?? '').includes('/');
}

function classify(method: string, pathAndQuery: string, apiBase: string, res: ExchangeResult): Error {
  const label = `${method} ${pathAndQuery.split('?')[0]}`;
  const errors = errorObjects(res.body);
  const first = errors[0];
  const what = [first?.title, first?.detail].filter(Boolean).join(': ');
  // 403 on one record: that record is outside the role's access level (oroinc/orocommerce
  // OrderShippingTrackingTest.php @6.1.0: "No access to the entity."), the
  // caller fails that record and goes on. On a list: the role lacks VIEW on the whole type.
  if (res.status === 403 && !isRecordRequest(method, pathAndQuery)) {
    return new ServiceUnavailableError(
      'oro',
      `Oro denied access to ${label} (403${what ? ` ${what}` : ''}).`,
      {
        hint:
          'Give the role of the user that owns the OAuth application the View/Edit permission on this ' +
          'entity (System > User Management > Roles).',
      },
    );
  }
  if (res.status === 404 && !errors.some((e) => e.detail === ENTITY_NOT_FOUND)) {
    return new OroNotFoundError(
      `Oro answered 404 to ${label} at ${apiBase}: nothing there answers as Oro's back-office API.`,
      {
        hint:
          'Enable the Web API feature (System > Configuration > General Setup > Application Settings > ' +
          "Web API), and check oro.url and oro.apiPath (Oro's back-office prefix, /admin/api by default).",
      },
    );
  }
  if (res.status === 405 || res.status === 406 || res.status === 415) {
    return new ServiceUnavailableError(
      'oro',
      `Oro cannot serve ${label} as sagesync sends it (${res.status}${what ? ` ${what}` : ''}).`,
      {
        hint: 'This Oro version or its API configuration differs from what sagesync supports; check oro.apiVersion.',
      },
    );
  }
  if (isRedirect(res.status)) {
    return new ServiceUnavailableError(
      'oro',
      `Oro answered ${label} with ${redirectProblem(res.status, res.headers)}.`,
    );
  }
  return new OroRecordError(method, pathAndQuery.split('?')[0] ?? '', res.status, errors);
}
