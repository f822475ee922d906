/** Token endpoint, bearer checks and media types as Oro documents them
 * (https://doc.oroinc.com/api/authentication/oauth-client-credentials/,
 * https://doc.oroinc.com/api/client-requirements/). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { api, CLIENT, JSON_API, token } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: { orders: 5 } });
});
afterAll(() => sb.close());

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${sb.url}/oauth2-token`, { method: 'POST', headers, body });

describe('token endpoint', () => {
  it('accepts JSON, form fields and HTTP Basic', async () => {
    const json = await post(
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
      }),
      {
        'Content-Type': 'application/json',
      },
    );
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const body = (await json.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(String(body['access_token']).split('.')).toHaveLength(3);

    const form = await post(
      `grant_type=client_credentials&client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}`,
      {
        'Content-Type': 'application/x-www-form-urlencoded',
      },
    );
    expect(form.status).toBe(200);
    const basic = await post('grant_type=client_credentials', {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
    });
    expect(basic.status).toBe(200);
  });

  it('answers 401 invalid_client to a wrong secret and 400 invalid_request without client_id', async () => {
    const bad = await post(
      JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: 'nope' }),
      {
        'Content-Type': 'application/json',
      },
    );
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
      message: 'Client authentication failed',
    });
    const missing = await post(JSON.stringify({ grant_type: 'client_credentials' }), {
      'Content-Type': 'application/json',
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('serves the token endpoint outside /admin', async () => {
    const res = await fetch(`${sb.url}/admin/oauth2-token`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('bearer token', () => {
  it('answers 401 with an empty body to a wrong, expired or revoked token', async () => {
    const wrong = await api(sb, 'not-a-token', 'orders');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toBe('');
    const t = await token(sb);
    expect((await api(sb, t, 'orders')).status).toBe(200);
    sb.revokeTokens();
    const revoked = await api(sb, t, 'orders');
    expect(revoked.status).toBe(401);
    expect(revoked.text).toBe('');
  });

  it('expires tokens after their lifetime', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clocked = await startSandbox({
      seed: { orders: 1 },
      now: () => now,
      faults: { tokenLifetimeSeconds: 60 },
    });
    try {
      const t = await token(clocked);
      expect((await api(clocked, t, 'orders')).status).toBe(200);
      now += 61_000;
      expect((await api(clocked, t, 'orders')).status).toBe(401);
    } finally {
      await clocked.close();
    }
  });
});

describe('media types (as Oro documents them)', () => {
  let t: string;
  beforeAll(async () => {
    t = await token(sb);
  });
  it('answers 415 when Content-Type carries a charset', async () => {
    const res = await api(sb, t, 'customers/1', {
      method: 'PATCH',
      body: { data: { type: 'customers', id: '1', attributes: { creditLimit: '1' } } },
      headers: { 'Content-Type': `${JSON_API}; charset=utf-8` },
    });
    expect(res.status).toBe(415);
    expect(res.json.errors[0].detail).toBe(
      'The "Content-Type" request header should contain JSON:API media type without any parameters.',
    );
  });
  it('answers 406 to an Accept with JSON:API parameters only', async () => {
    const res = await api(sb, t, 'orders', { headers: { Accept: `${JSON_API}; ext=bulk` } });
    expect(res.status).toBe(406);
  });
  it('answers with the JSON:API media type, without parameters', async () => {
    const res = await api(sb, t, 'orders');
    expect(res.headers.get('content-type')).toBe(JSON_API);
  });
  it('answers 405 to an action the resource does not offer and 404 to an unknown resource', async () => {
    const del = await api(sb, t, 'orders/1', { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.json.errors[0].title).toBe('action not allowed exception');
    expect((await api(sb, t, 'nosuchthings')).status).toBe(404);
  });
});
