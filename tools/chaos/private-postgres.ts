/**
 * A private PostgreSQL 15 instance for the chaos harness: initdb in a temp dir owned by the
 * `postgres` OS user, on a free loopback port. Chaos restarts THIS server mid-run; the shared
 * cluster other tests run against is never touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atCleanup } from '../common/tool-process.js';

const BIN = process.env.SAGESYNC_PG_BIN ?? '/usr/lib/postgresql/15/bin';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(args: string[], allowFail = false): string {
  // `su` needs one command string; every argument here is ours (paths under tmpdir, numbers).
  const cmd = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) {
    throw new Error(`${args[0]} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

export class PrivatePostgres {
  readonly dir: string;
  readonly dataDir: string;
  /** Stops it when the tool is stopped by a signal (tools/common/tool-process.ts). */
  private forget: () => void = () => undefined;
  private constructor(
    readonly port: number,
    dir: string,
  ) {
    this.dir = dir;
    this.dataDir = path.join(dir, 'data');
  }

  /** Whether this machine can run one (binaries present, we are root so `su postgres` works). */
  static available(): string | null {
    if (process.getuid?.() !== 0) return 'not running as root, so cannot start a server as the postgres user';
    try {
      execFileSync(path.join(BIN, 'postgres'), ['--version'], { stdio: 'ignore' });
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      return `no PostgreSQL binaries in ${BIN} or no postgres user (set SAGESYNC_PG_BIN)`;
    }
    return null;
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), 'sagesync-chaos-pg-'));
    chmodSync(dir, 0o777);
    const pg = new PrivatePostgres(await freePort(), dir);
    pg.forget = atCleanup(() => pg.stop());
    execFileSync('chown', ['postgres', dir]);
    asPostgres([
      path.join(BIN, 'initdb'),
      '-D',
      pg.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    pg.up();
    asPostgres([
      path.join(BIN, 'psql'),
      '-h',
      '127.0.0.1',
      '-p',
      String(pg.port),
      '-U',
      'postgres',
      '-qc',
      'CREATE DATABASE chaos',
    ]);
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/chaos`;
  }

  up(): void {
    const opts = `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir} -c fsync=off -c max_connections=200`;
    asPostgres([
      path.join(BIN, 'pg_ctl'),
      '-D',
      this.dataDir,
      '-l',
      path.join(this.dir, 'log'),
      '-o',
      opts,
      '-w',
      'start',
    ]);
  }

  /** `fast` rolls back open transactions and drops every session, like a crash of the service. */
  down(mode: 'fast' | 'immediate' = 'fast'): void {
    asPostgres([path.join(BIN, 'pg_ctl'), '-D', this.dataDir, '-m', mode, '-w', 'stop'], true);
  }

  restart(mode: 'fast' | 'immediate' = 'immediate'): void {
    this.down(mode);
    this.up();
  }

  stop(): void {
    this.forget();
    this.down('fast');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
