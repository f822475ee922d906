/**
 * A real OpenSSH server (Debian's openssh-server, installed by .ci/run) on a free loopback port
 * with generated host and user keys, for the tunnel tests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

export interface SshdServer {
  port: number;
  username: string;
  /** Private key file accepted by the server. */
  userKeyFile: string;
  /** `SHA256:…` of the server's host key, as ssh-keygen prints it. */
  hostKeySha256: string;
  dir: string;
  stop(): Promise<void>;
}

/** Why the tests cannot run here, or null when they can. */
export function sshdUnavailable(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} not found (apt-get install openssh-server; .ci/run does)`;
  if (userInfo().uid !== 0) return 'sshd in a temporary configuration needs root here (CI runs as root)';
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startSshd(): Promise<SshdServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-sshd-'));
  const hostKey = join(dir, 'host_ed25519');
  const userKey = join(dir, 'user_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', userKey]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`));
  const hostKeySha256 =
    execFileSync('ssh-keygen', ['-lf', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
  mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  const configFile = join(dir, 'sshd_config');
  writeFileSync(
    configFile,
    [
      `ListenAddress 127.0.0.1`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'StrictModes no',
      'AllowTcpForwarding yes',
      'UsePAM no',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', configFile, '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  await waitForPort(port, child, () => stderr);
  return {
    port,
    username: userInfo().username,
    userKeyFile: userKey,
    hostKeySha256,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  // Up to 30 s: sshd starts in well under a second, but not on a loaded host.
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}
