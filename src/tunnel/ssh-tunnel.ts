/**
 * The SSH tunnel to the staging database (`staging.sshTunnel`, issue 6): a local TCP forward on
 * 127.0.0.1 through the bastion, key authentication only, the bastion's host key pinned by its
 * SHA-256 fingerprint. Opened once per run and closed when the run ends.
 *
 * The fingerprint format is OpenSSH's: `SHA256:` + unpadded base64 of the SHA-256 of the public
 * key blob, as printed by `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` (ssh-keygen(1)).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { Client as SshClient, ConnectConfig } from 'ssh2';
import type { Config } from '../config/schema.js';
import { ConfigError, ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../log/types.js';

export type TunnelConfig = NonNullable<Config['staging']['sshTunnel']>;

export interface Tunnel {
  host: '127.0.0.1';
  port: number;
  /** The fingerprint the bastion presented (equal to the pinned one). */
  fingerprint: string;
  close(): Promise<void>;
}

/** OpenSSH `SHA256:…` fingerprint of a public key blob. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts `SHA256:abc…` or `abc…`, with or without base64 padding. */
export function normaliseFingerprint(value: string): string {
  const bare = value
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '');
  return `SHA256:${bare}`;
}

export async function openTunnel(
  cfg: TunnelConfig,
  target: { host: string; port: number },
  opts: { logger: Logger; readyTimeoutMs?: number },
): Promise<Tunnel> {
  const { logger } = opts;
  const where = `${cfg.username}@${cfg.host}:${cfg.port}`;
  let privateKey: Buffer;
  try {
    privateKey = await readFile(cfg.privateKeyFile);
  } catch (err) {
    throw new ConfigError(
      [
        {
          path: 'staging.sshTunnel.privateKeyFile',
          source: 'configuration',
          message: `cannot read the private key file ${cfg.privateKeyFile} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        },
      ],
      { cause: err },
    );
  }
  const pinned = normaliseFingerprint(cfg.hostKeySha256);
  let seen: string | undefined;
  const { Client } = await import('ssh2');
  const ssh: SshClient = new Client();

  const connectConfig: ConnectConfig = {
    host: cfg.host,
    port: cfg.port,
    username: cfg.username,
    privateKey,
    readyTimeout: opts.readyTimeoutMs ?? 20_000,
    keepaliveInterval: 15_000,
    // Without hostHash, ssh2 passes the raw key blob: we hash it like OpenSSH does.
    hostVerifier: (key: Buffer) => {
      seen = fingerprintOf(key);
      return seen === pinned;
    },
  };
  if (cfg.passphrase !== undefined) connectConfig.passphrase = cfg.passphrase;

  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => {
      ssh.removeAllListeners('ready');
      reject(describeConnectError(err, cfg, where, pinned, seen));
    };
    ssh.once('ready', () => {
      ssh.removeListener('error', fail);
      resolve();
    });
    ssh.once('error', fail);
    try {
      ssh.connect(connectConfig);
    } catch (err) {
      // ssh2 throws synchronously for an unparsable key or a wrong passphrase.
      fail(err as Error);
    }
  });
  logger.debug(`SSH tunnel connected to ${where}`, { fingerprint: seen });

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    ssh.forwardOut('127.0.0.1', socket.remotePort ?? 0, target.host, target.port, (err, channel) => {
      if (err) {
        logger.error(
          `SSH tunnel: the bastion ${cfg.host} could not open ${target.host}:${target.port}: ${err.message}`,
        );
        socket.destroy();
        return;
      }
      socket.pipe(channel).pipe(socket);
      channel.once('close', () => socket.destroy());
      socket.once('error', () => channel.close());
    });
  });
  ssh.on('error', (err) => logger.warn(`SSH tunnel to ${where}: ${err.message}`));
  ssh.on('close', () => {
    for (const s of sockets) s.destroy();
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  logger.info(`SSH tunnel up: 127.0.0.1:${port} → ${cfg.host} → ${target.host}:${target.port}`);

  let closing: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    fingerprint: seen ?? pinned,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        ssh.end();
      });
      return closing;
    },
  };
}

function describeConnectError(
  err: Error,
  cfg: TunnelConfig,
  where: string,
  pinned: string,
  seen: string | undefined,
): Error {
  if (seen !== undefined && seen !== pinned) {
    return new ServiceUnavailableError(
      'tunnel',
      `The SSH host key of ${cfg.host}:${cfg.port} does not match staging.sshTunnel.hostKeySha256: the server presented ${seen}, the configuration pins ${pinned}. Refusing to connect.`,
      {
        cause: err,
        hint: `If the bastion's key was changed on purpose, confirm ${seen} out of band (on the bastion: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and set staging.sshTunnel.hostKeySha256 to it; otherwise someone may be intercepting the connection.`,
      },
    );
  }
  const msg = err.message;
  if (/authentication methods failed/i.test(msg)) {
    return new ServiceUnavailableError(
      'tunnel',
      `The SSH bastion ${where} refused the key ${cfg.privateKeyFile}.`,
      {
        cause: err,
        hint: `Add the public key to ~${cfg.username}/.ssh/authorized_keys on ${cfg.host}, or fix staging.sshTunnel.username / privateKeyFile.`,
      },
    );
  }
  if (/passphrase|encrypted|parse privateKey|Unsupported key/i.test(msg)) {
    return new ConfigError(
      [
        {
          path: 'staging.sshTunnel.privateKeyFile',
          source: 'configuration',
          message: `the key ${cfg.privateKeyFile} cannot be used: ${msg} (set staging.sshTunnel.passphrase if it is encrypted)`,
        },
      ],
      { cause: err },
    );
  }
  return new ServiceUnavailableError('tunnel', `The SSH tunnel to ${where} could not be opened: ${msg}.`, {
    cause: err,
    hint: `Check that ${cfg.host}:${cfg.port} is reachable from this machine and runs an SSH server.`,
  });
}
