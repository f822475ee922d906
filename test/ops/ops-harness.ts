/**
 * A complete working setup for the operations tests: the Oro sandbox, a real SMTP server process,
 * a private PostgreSQL with TLS (test CA), a real sshd in front of it, and a migrated schema.
 * `runCli` runs the real CLI in-process (src/cli/main.ts) with captured output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { openStore } from '../../src/staging/open-store.js';
import { type SmtpHarness, startSmtp } from '../notify/smtp-harness.js';
import { type SshdServer, startSshd } from '../tunnel/sshd-server.js';
import { startTlsPostgres, type TlsPostgres } from './tls-postgres.js';

export interface OpsSetup {
  sandbox: Sandbox;
  smtp: SmtpHarness;
  pg: TlsPostgres;
  sshd: SshdServer;
  schema: string;
  dir: string;
  /** The working configuration (plain JSON, as a file would hold it). */
  config: ConfigInput & Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startOpsSetup(): Promise<OpsSetup> {
  const [sandbox, smtp, pg, sshd] = await Promise.all([
    startSandbox({ seed: { orders: 3 } }),
    startSmtp(),
    startTlsPostgres(),
    startSshd(),
  ]);
  const schema = `t_ops_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-ops-'));
  const config = {
    oro: {
      url: sandbox.url,
      clientId: 'sagesync',
      clientSecret: 'sandbox-secret',
      maxRetries: 0,
      timeoutMs: 5000,
    },
    staging: {
      dialect: 'postgres' as const,
      url: pg.url,
      schema,
      tls: { caFile: pg.caFile },
      sshTunnel: {
        host: '127.0.0.1',
        port: sshd.port,
        username: sshd.username,
        privateKeyFile: sshd.userKeyFile,
        hostKeySha256: sshd.hostKeySha256,
      },
    },
    notifications: {
      to: ['ops@example.com', 'erp@example.com'],
      from: 'sagesync@example.com',
      smtp: { host: '127.0.0.1', port: smtp.port },
    },
  };
  const store = await openStore(
    configSchema.parse({ ...config, staging: { ...config.staging, sshTunnel: undefined } }),
  );
  await store.migrate();
  await store.close();
  return {
    sandbox,
    smtp,
    pg,
    sshd,
    schema,
    dir,
    config,
    async stop() {
      await Promise.allSettled([sandbox.close(), smtp.stop(), pg.stop(), sshd.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(dir: string, config: unknown, args: string[]): Promise<CliRun> {
  const file = join(dir, `config-${randomBytes(3).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify(config));
  let stdout = '';
  let stderr = '';
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SAGESYNC_')) env[k] = v;
  const code = await main(['node', 'sagesync', ...args, '-c', file], {
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
    env,
    cwd: dir,
  });
  return { code, stdout, stderr };
}
