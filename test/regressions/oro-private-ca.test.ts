// @module-tag hostile
/**
 * Issue 18, point 22: a TLS failure against Oro gave no hint about a private CA, and there was no
 * way to trust one but NODE_EXTRA_CA_CERTS. Now `oro.tls.caFile` (as `staging.tls.caFile`) is
 * trusted, a certificate that does not verify is exit 69 at once (not retried) naming the key,
 * and the server below, with a certificate from a test CA made by openssl, shows all three.
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { ConfigError, ServiceUnavailableError } from '../../src/errors.js';
import { createOroClient } from '../../src/oro/client.js';
import { makeTestCa, type TestCa } from '../ops/test-ca.js';

const dir = mkdtempSync(join(tmpdir(), 'sagesync-oro-ca-'));
let ca: TestCa;
let server: https.Server;
let url = '';
let requests = 0;
beforeAll(async () => {
  ca = makeTestCa(dir);
  server = https.createServer(
    { key: readFileSync(ca.serverKey), cert: readFileSync(ca.serverCert) },
    (req, res) => {
      requests++;
      if (req.url?.includes('oauth2-token')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: 'tok' }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/vnd.api+json' });
      res.end(JSON.stringify({ data: { type: 'orders', id: '1', attributes: {}, relationships: {} } }));
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `https://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function readOrder(tls: { caFile?: string }): Promise<unknown> {
  const config = configSchema.parse({ oro: { url, clientId: 'c', clientSecret: 's', tls } });
  let client: ReturnType<typeof createOroClient> | undefined;
  try {
    client = createOroClient(config, { sleep: async () => undefined });
    return await client.get('orders', '1');
  } catch (err) {
    return err;
  } finally {
    await client?.close();
  }
}

describe('Oro behind a private certificate authority (point 22)', () => {
  it('without oro.tls.caFile: exit 69 at once, the hint names oro.tls.caFile', async () => {
    const before = requests;
    const err = await readOrder({});
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as ServiceUnavailableError).message).toMatch(
      new RegExp(`^Oro's certificate at ${url} is not trusted \\(.*certificate.*\\)\\.$`),
    );
    expect((err as ServiceUnavailableError).hint).toBe(
      "If Oro's certificate is issued by a private certificate authority, set oro.tls.caFile to that authority's PEM file.",
    );
    expect(requests).toBe(before); // the handshake failed: no request reached the server
  });

  it('with another authority in oro.tls.caFile: the hint names the file', async () => {
    const err = await readOrder({ caFile: ca.wrongCaFile });
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as ServiceUnavailableError).hint).toContain(
      `oro.tls.caFile (${ca.wrongCaFile}) does not verify it`,
    );
  });

  it('with the authority that issued it: the order is read', async () => {
    expect(await readOrder({ caFile: ca.caFile })).toMatchObject({ data: { id: '1' } });
  });

  it('an unreadable oro.tls.caFile is a configuration problem naming the key', async () => {
    const err = await readOrder({ caFile: join(dir, 'missing.pem') });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]).toMatchObject({ path: 'oro.tls.caFile' });
  });
});
