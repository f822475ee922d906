/** The client against the sandbox under every fault kind (STYLE.md "Errors say what happens next"). */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../src/errors.js';
import { OroRecordError } from '../../src/oro/errors.js';
import type { DeadlineTimer } from '../../src/oro/transport.js';
import { apiRequests, CLIENT, expectRejection, rig, tokenRequests, until, type Rig } from './helpers.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

async function readAll(rg: Rig, resource = 'orders'): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of rg.client.list(resource, { pageSize: 5 })) ids.push(...page.data.map((d) => d.id));
  return ids;
}

describe('retriable failures', () => {
  it('retries 500s and 503s with backoff and still reads everything', async () => {
    r = await rig({
      sandbox: { seed: { orders: 40 }, faults: { errorRate: { 500: 0.3, 502: 0.1, 503: 0.1 } } },
      oro: { maxRetries: 10 },
    });
    expect(await readAll(r)).toHaveLength(40);
    expect(r.sb.requests.some((q) => q.status === 500)).toBe(true);
    expect(r.sleeps.length).toBeGreaterThan(0);
    expect(r.warnings.some((w) => w.includes('retry'))).toBe(true);
  });

  it('honours Retry-After on 429 and 503 bursts', async () => {
    r = await rig({
      sandbox: { seed: { orders: 3 }, faults: { burst429: { count: 2, retryAfterSeconds: 7 } } },
    });
    await r.client.get('orders', '1');
    expect(r.sleeps).toEqual([7000, 7000]);
    r.sb.setFaults({ burst429: { count: 1, retryAfterSeconds: 3, status: 503 } });
    await r.client.get('orders', '1');
    expect(r.sleeps).toEqual([7000, 7000, 3000]);
  });

  it('backs off exponentially when no Retry-After is given', async () => {
    r = await rig({
      sandbox: { seed: { orders: 1 }, faults: { errorRate: { 500: 1 } } },
      oro: { maxRetries: 4 },
    });
    const err = await expectRejection(r.client.get('orders', '1'));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as ServiceUnavailableError).service).toBe('oro');
    expect((err as Error).message).toContain('after 5 attempts');
    expect(apiRequests(r.sb)).toHaveLength(5);
    // random() = 0.5 → three quarters of 500, 1000, 2000, 4000 ms
    expect(r.sleeps).toEqual([375, 750, 1500, 3000]);
  });

  it('survives connection resets', async () => {
    r = await rig({
      sandbox: { seed: { orders: 30 }, faults: { resetRate: 0.25 } },
      oro: { maxRetries: 10 },
    });
    expect(await readAll(r)).toHaveLength(30);
    expect(r.sb.requests.some((q) => q.status === -1)).toBe(true);
  });

  it('times out slow answers, retries, and gives up with ServiceUnavailableError', async () => {
    // The deadline (oro.timeoutMs) fires when the test says, not after wall-clock time: once the
    // sandbox holds the request (it answers after an hour), never for the answer afterwards. So
    // neither phase depends on how loaded the machine is. oro.timeoutMs is also axios's socket
    // idle guard (src/oro/transport.ts), a real timer the test cannot hold back: at 100 ms it
    // fired first whenever the test process was off the CPU for 100 ms between the request's
    // arrival and the test's firing (a loaded host), ending the attempt with "timeout of 100ms
    // exceeded" and leaving the test waiting for a deadline that never came. At 60 s it cannot
    // fire within the test, so every attempt ends by the injected deadline alone.
    const deadlines = new Set<() => void>();
    const timer: DeadlineTimer = (fire) => {
      deadlines.add(fire);
      return () => deadlines.delete(fire);
    };
    r = await rig({
      sandbox: { seed: { orders: 2 }, faults: { latencyMs: 3_600_000 } },
      oro: { timeoutMs: 60_000, maxRetries: 2 },
      timer,
    });
    const sb = r.sb;
    const asked = expectRejection(r.client.get('orders', '1'));
    for (let n = 1; n <= 3; n++) {
      // The n-th attempt reached the sandbox, and only its deadline is pending (the token's ended).
      await until(() => apiRequests(sb).length === n && deadlines.size === 1);
      for (const fire of deadlines) fire();
    }
    const err = await asked;
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toMatch(
      /did not answer GET orders\/1 after 3 attempts \(last: ETIMEDOUT: no complete answer within oro\.timeoutMs \(60000 ms\)\)/,
    );
    expect(apiRequests(sb).map((q) => q.status)).toEqual([0, 0, 0]); // none was answered
    sb.setFaults({});
    expect((await r.client.get('orders', '1')).data.id).toBe('1');
    expect(deadlines.size).toBe(0);
  });

  it('renews the token once on a 401 and retries once', async () => {
    r = await rig({ sandbox: { seed: { orders: 2 } } });
    await r.client.get('orders', '1');
    r.sb.revokeTokens();
    await r.client.get('orders', '2');
    expect(tokenRequests(r.sb)).toHaveLength(2);
    expect(r.sb.requests.filter((q) => q.status === 401)).toHaveLength(1);
  });

  it('creates a tracking once although the POST failed with a 500 first', async () => {
    r = await rig({ sandbox: { seed: { orders: 2 } } });
    await r.client.apiVersion();
    r.sb.setFaults({ errorRate: { 500: 0.5 } });
    const t = await r.client.createTracking('1', 'UPS', 'N1');
    expect(r.sb.trackings('1')).toEqual([{ id: t.id, method: 'UPS', number: 'N1' }]);
  });
});

describe('fatal failures', () => {
  it('token endpoint 401: names the client id, never the secret', async () => {
    r = await rig({
      sandbox: { seed: { orders: 1 }, clients: [{ clientId: CLIENT.clientId, clientSecret: 'other' }] },
    });
    const err = await expectRejection(r.client.get('orders', '1'));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain(CLIENT.clientId);
    expect((err as ServiceUnavailableError).hint).toContain('oro.clientSecret');
    const everything = `${inspect(err, { depth: 10 })} ${JSON.stringify(err)} ${(err as Error).stack}`;
    expect(everything).not.toContain(CLIENT.clientSecret);
    expect(tokenRequests(r.sb)).toHaveLength(1);
  });

  it('a 401 right after a renewal is fatal', async () => {
    r = await rig({ sandbox: { seed: { orders: 1 }, faults: { errorRate: { 401: 1 } } } });
    const err = await expectRejection(r.client.get('orders', '1'));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain(CLIENT.clientId);
    expect(apiRequests(r.sb)).toHaveLength(2);
  });

  it('403 on a list stops with a clear message and a fix; on one record it is that record failure', async () => {
    r = await rig({ sandbox: { seed: { orders: 1 }, faults: { errorRate: { 403: 1 } } } });
    const err = await expectRejection(r.client.list('orders')[Symbol.asyncIterator]().next());
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('403');
    expect((err as ServiceUnavailableError).hint).toMatch(/permission/);
    expect(apiRequests(r.sb)).toHaveLength(1);
    const one = await expectRejection(r.client.get('orders', '1'));
    expect(one).toBeInstanceOf(OroRecordError);
    expect(one).toMatchObject({ status: 403, detail: 'No access to the entity.' });
  });

  it('a 404 other than "An entity with the requested identifier does not exist." is fatal (Web API off, wrong path)', async () => {
    r = await rig({ sandbox: { seed: { orders: 1 }, webApi: false } });
    const err = await expectRejection(r.client.get('orders', '1'));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('404');
    expect((err as ServiceUnavailableError).hint).toMatch(/Web API.*oro\.apiPath/s);
  });

  it('415 (a media-type parameter reached Oro) stops without retrying', async () => {
    r = await rig({ sandbox: { seed: { orders: 1 }, faults: { errorRate: { 415: 1 } } } });
    const err = await expectRejection(r.client.patch('customers', '1', { creditLimit: 1 }));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('415');
    expect(apiRequests(r.sb)).toHaveLength(1);
  });

  it('errors never carry the bearer token (axios errors hold the request headers)', async () => {
    r = await rig({ sandbox: { seed: { orders: 1 }, faults: { resetRate: 1 } }, oro: { maxRetries: 1 } });
    const err = await expectRejection(r.client.get('orders', '1'));
    const text = `${inspect(err, { depth: 20, showHidden: true })} ${JSON.stringify(err)}`;
    expect(text).not.toMatch(/Bearer\s+[A-Za-z0-9_-]{10,}/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/); // the sandbox's tokens are JWT-shaped
    expect(text).not.toContain(CLIENT.clientSecret);
  });
});

describe('record-level failures', () => {
  it('400 and 404 become OroRecordError with status, title, detail and source', async () => {
    r = await rig({ sandbox: { seed: { orders: 1 } } });
    const bad = await expectRejection(r.client.patch('customers', '1', { nope: 1 }));
    expect(bad).toBeInstanceOf(OroRecordError);
    expect(bad).toMatchObject({
      status: 400,
      title: 'extra fields constraint',
      detail: 'This form should not contain extra fields: "nope".',
      source: { pointer: '/data/attributes/nope' },
    });
    const missing = await expectRejection(r.client.patch('customers', '999', { creditLimit: 1 }));
    expect(missing).toMatchObject({
      status: 404,
      detail: 'An entity with the requested identifier does not exist.',
    });
    const pages = r.client.list('orders', { filter: { x: '1' } })[Symbol.asyncIterator]();
    const filter = await expectRejection(pages.next());
    expect(filter).toMatchObject({ status: 400, source: { parameter: 'filter[x]' } });
    expect(r.sleeps).toEqual([]);
  });

  it('409 is record-level too', async () => {
    r = await rig({
      sandbox: { seed: { orders: 1 }, faults: { errorRate: { 409: 1 } } },
      oro: { apiVersion: '6.1' },
    });
    const err = await expectRejection(r.client.createTracking('1', 'UPS', 'X'));
    expect(err).toBeInstanceOf(OroRecordError);
    expect(err).toMatchObject({ status: 409, title: 'conflict constraint' });
  });
});

describe('communication logging', () => {
  it('sees every exchange with method, URL, status, duration and bodies, secrets masked', async () => {
    r = await rig({
      sandbox: { seed: { orders: 3 }, faults: { errorRate: { 503: 0.3 } } },
      oro: { maxRetries: 10 },
    });
    await readAll(r);
    await r.client.patch('customers', '1', { creditLimit: 5 });
    r.sb.revokeTokens();
    await r.client.get('orders', '1');
    expect(r.events).toHaveLength(r.sb.requests.length);
    const tokenEvent = r.events.find((e) => e.kind === 'http' && e.url.endsWith('/oauth2-token'))!;
    expect(tokenEvent).toMatchObject({
      method: 'POST',
      status: 200,
      requestBody: { client_secret: '***' },
      responseBody: { access_token: '***' },
    });
    expect(r.events.some((e) => e.kind === 'http' && e.method === 'PATCH' && e.status === 200)).toBe(true);
    expect(r.events.every((e) => typeof e.durationMs === 'number')).toBe(true);
    const log = JSON.stringify(r.events);
    expect(log).not.toContain(CLIENT.clientSecret);
    expect(tokenRequests(r.sb)).toHaveLength(2);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/); // no JWT anywhere
  });
});
