import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { fingerprintOf, normaliseFingerprint, openTunnel } from '../../src/tunnel/ssh-tunnel.js';
import { type SshdServer, sshdUnavailable, startSshd } from './sshd-server.js';
import { PassThrough } from 'node:stream';

const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
const why = sshdUnavailable() ?? (pgUrl ? null : 'SAGESYNC_TEST_PG_URL is not set');
if (why) console.warn(`test/tunnel/ssh-tunnel.test.ts skipped: ${why}`);

const logger = createLogger(
  { level: 'debug', format: 'json', communication: false },
  { stream: new PassThrough() },
);

describe('fingerprints', () => {
  it('are OpenSSH SHA256 form, accepted with or without prefix and padding', () => {
    const fp = fingerprintOf(Buffer.from('key'));
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]+$/);
    expect(normaliseFingerprint(fp.slice(7))).toBe(fp);
    expect(normaliseFingerprint(`${fp}=`)).toBe(fp);
  });
});

describe.skipIf(why !== null)('SSH tunnel through a real OpenSSH server', () => {
  let sshd: SshdServer;
  const target = (): { host: string; port: number } => {
    const u = new URL(pgUrl ?? '');
    return { host: u.hostname, port: Number(u.port || 5432) };
  };
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  const tunnelCfg = (hostKeySha256: string) => ({
    host: '127.0.0.1',
    port: sshd.port,
    username: sshd.username,
    privateKeyFile: sshd.userKeyFile,
    hostKeySha256,
  });

  it('reaches the real PostgreSQL and a query runs through it (pin with and without SHA256: prefix)', async () => {
    for (const pin of [sshd.hostKeySha256, sshd.hostKeySha256.replace(/^SHA256:/, '')]) {
      const tunnel = await openTunnel(tunnelCfg(pin), target(), { logger });
      try {
        const u = new URL(pgUrl ?? '');
        u.hostname = tunnel.host;
        u.port = String(tunnel.port);
        const client = new pg.Client({ connectionString: u.toString() });
        await client.connect();
        const res = await client.query<{ n: number; via: string | null }>(
          'SELECT 41 + 1 AS n, inet_client_addr()::text AS via',
        );
        await client.end();
        expect(res.rows[0]?.n).toBe(42);
        expect(tunnel.fingerprint).toBe(sshd.hostKeySha256);
      } finally {
        await tunnel.close();
      }
    }
  });

  it('refuses a wrong pinned host key and names the fingerprint seen', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const err = await openTunnel(tunnelCfg(wrong), target(), { logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    const e = err as ServiceUnavailableError;
    expect(e.service).toBe('tunnel');
    expect(e.message).toContain(sshd.hostKeySha256);
    expect(e.message).toContain('does not match');
    expect(e.hint).toContain('hostKeySha256');
  });

  it('reports a key the bastion does not accept', async () => {
    const { execFileSync } = await import('node:child_process');
    const other = `${sshd.dir}/other_key`;
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const err = await openTunnel({ ...tunnelCfg(sshd.hostKeySha256), privateKeyFile: other }, target(), {
      logger,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toMatch(/refused the key/);
  });
});
