/**
 * The staging store's TLS (staging.tls) against a real PostgreSQL with ssl=on and a server
 * certificate from a test CA: verified with caFile, refused without it, and verification off only
 * when asked, with a warning.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { logSecurityWarnings } from '../../src/ops/security-warnings.js';
import { openStore } from '../../src/staging/open-store.js';
import { startTlsPostgres, type TlsPostgres, tlsPostgresUnavailable } from './tls-postgres.js';

const why = tlsPostgresUnavailable();
if (why) console.warn(`test/ops/tls.test.ts skipped: ${why}`);

describe.skipIf(why !== null)('PostgreSQL with TLS and a private CA', () => {
  let server: TlsPostgres;
  beforeAll(async () => {
    server = await startTlsPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const config = (tls: NonNullable<ConfigInput['staging']>['tls']) =>
    configSchema.parse({
      oro: { url: 'https://shop.example.com', clientId: 'c', clientSecret: 's3cret' },
      staging: { dialect: 'postgres', url: server.url, tls },
    });

  it('connects with caFile, encrypted', async () => {
    const store = await openStore(config({ caFile: server.caFile }));
    try {
      const rows = await store.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows[0]?.ssl).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('refuses without caFile (or with another CA) with a clear message', async () => {
    for (const tls of [{}, { caFile: server.wrongCaFile }]) {
      const err = await openStore(config(tls)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/certificate/i);
      expect(msg).toContain('staging.tls');
      expect(msg).not.toContain('tls-Test-pw-981');
    }
  });

  it('rejectUnauthorized:false connects and is warned about on every run', async () => {
    const cfg = config({ rejectUnauthorized: false });
    for (let run = 0; run < 2; run++) {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c: Buffer) => (text += c.toString()));
      const logger = createLogger(cfg.logging, { stream: out });
      logSecurityWarnings(cfg, logger);
      const store = await openStore(cfg, { logger });
      const rows = await store.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      await store.close();
      await logger.close();
      expect(rows[0]?.ssl).toBe(true);
      expect(text).toContain('certificate verification is off');
    }
  });

  it('the server refuses a plain-text connection (tls.enabled: false)', async () => {
    const err = await openStore(config({ enabled: false })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toMatch(/no encryption|pg_hba/);
  });
});
