// @module-tag hostile
/**
 * A 3xx from Oro (typically http:// configured where the site answers on https://) is reported
 * with where it points and what to set, never followed: following would take the bearer token
 * elsewhere, and the redirect path of the HTTP client kept every response body in memory until a
 * full garbage collection. The server below serves the redirect target too, so a client that
 * followed the redirect would succeed and these tests would fail.
 */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import { createOroClient } from '../../src/oro/client.js';

let server: http.Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

/** Redirects `redirect` paths to `/moved…`, which answers like Oro would. */
async function redirectingOro(redirect: (path: string) => boolean): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(`${req.method} ${path}`);
    if (redirect(path)) {
      res.writeHead(301, { Location: `https://oro.example.test${path}` }).end();
    } else if (path.includes('oauth2-token')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: 'tok' }));
    } else {
      res.writeHead(200, { 'Content-Type': 'application/vnd.api+json' });
      res.end(JSON.stringify({ data: { type: 'orders', id: '1', attributes: {}, relationships: {} } }));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** What reading order 1 through a client of `url` throws. */
async function readError(url: string): Promise<unknown> {
  const config = configSchema.parse({ oro: { url, clientId: 'c', clientSecret: 's' } });
  const c = createOroClient(config, { sleep: async () => undefined });
  const err = await c.get('orders', '1').catch((e: unknown) => e);
  await c.close();
  return err;
}

describe('Oro redirects', () => {
  it('an API redirect is a clear error naming the target, not followed', async () => {
    const oro = await redirectingOro((p) => p.startsWith('/admin/api/orders/1'));
    const err = await readError(oro.url);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('301 to https://oro.example.test/admin/api/orders/1');
    expect((err as Error).message).toContain('set oro.url');
    expect(oro.hits.filter((h) => h.startsWith('GET'))).toHaveLength(1);
  });

  it('a token endpoint redirect is a clear error too', async () => {
    const oro = await redirectingOro((p) => p.includes('oauth2-token'));
    const err = await readError(oro.url);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toMatch(
      /token endpoint .* answered with a redirect \(301 to https:\/\/oro\.example\.test/,
    );
    expect(oro.hits).toHaveLength(1);
  });
});
