/**
 * A separate PostgreSQL 15 instance with TLS on, its server certificate issued by a test CA made
 * here with openssl. Started as the postgres user (CI runs as root) on a free loopback port.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../tunnel/sshd-server.js';
import { makeTestCa } from './test-ca.js';

const BIN = '/usr/lib/postgresql/15/bin';

export interface TlsPostgres {
  port: number;
  url: string;
  caFile: string;
  /** Another CA's certificate: a caFile that does not match the server. */
  wrongCaFile: string;
  stop(): Promise<void>;
}

export function tlsPostgresUnavailable(): string | null {
  if (!existsSync(join(BIN, 'initdb'))) return `${BIN}/initdb not found (PostgreSQL 15 server binaries)`;
  if (userInfo().uid !== 0)
    return 'starting a private PostgreSQL as the postgres user needs root (CI runs as root)';
  try {
    execFileSync('id', ['postgres']);
  } catch {
    return 'no postgres system user';
  }
  return null;
}

export async function startTlsPostgres(): Promise<TlsPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'sagesync-tlspg-'));
  chmodSync(root, 0o755);
  const certs = join(root, 'certs');
  mkdirSync(certs);
  makeTestCa(certs);

  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  for (const f of ['server.key', 'server.crt']) {
    chownSync(join(certs, f), uid, gid);
    chmodSync(join(certs, f), 0o600);
  }
  chmodSync(certs, 0o755);
  const data = join(root, 'data');
  mkdirSync(data);
  chownSync(data, uid, gid);
  const pwfile = join(root, 'pw');
  const password = 'tls-Test-pw-981';
  writeFileSync(pwfile, `${password}\n`);
  chmodSync(pwfile, 0o644);
  const asPostgres = (cmd: string, args: string[]): void => {
    execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { stdio: 'pipe', cwd: root });
  };
  asPostgres('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const port = await freePort();
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${data}'`,
      'ssl = on',
      `ssl_cert_file = '${join(certs, 'server.crt')}'`,
      `ssl_key_file = '${join(certs, 'server.key')}'`,
      'fsync = off',
      'shared_buffers = 16MB',
      'max_connections = 20',
      '',
    ].join('\n'),
  );
  // TLS only: a plain-text connection is rejected by the server too.
  writeFileSync(
    join(data, 'pg_hba.conf'),
    [
      'local all all trust',
      'hostssl all all 127.0.0.1/32 scram-sha-256',
      'hostnossl all all 0.0.0.0/0 reject',
      '',
    ].join('\n'),
  );
  asPostgres('pg_ctl', ['-D', data, '-l', join(data, 'server.log'), '-w', '-t', '60', 'start']);
  return {
    port,
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    caFile: join(certs, 'ca.crt'),
    wrongCaFile: join(certs, 'other.crt'),
    async stop() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
