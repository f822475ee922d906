/**
 * What TLS the PostgreSQL server offers, seen from here: its certificate subject and whether the
 * configured trust (staging.tls.caFile or the system CAs) verifies it. The PostgreSQL protocol
 * starts TLS after an SSLRequest packet (PostgreSQL docs, "Protocol Flow: SSL Session
 * Encryption": Int32 8, Int32 80877103, answered by one byte 'S' or 'N').
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

export interface TlsProbe {
  offered: boolean;
  subject?: string;
  issuer?: string;
  validTo?: string;
  verified?: boolean;
  verifyError?: string;
}

export async function probePostgresTls(
  host: string,
  port: number,
  opts: { caFile?: string; serverName?: string; timeoutMs?: number },
): Promise<TlsProbe> {
  const socket = net.connect(port, host);
  socket.setTimeout(opts.timeoutMs ?? 10_000, () => socket.destroy(new Error('timed out')));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const request = Buffer.alloc(8);
  request.writeInt32BE(8, 0);
  request.writeInt32BE(80877103, 4);
  socket.write(request);
  const answer = await new Promise<string>((resolve, reject) => {
    socket.once('data', (b: Buffer) => resolve(b.subarray(0, 1).toString('latin1')));
    socket.once('error', reject);
  });
  if (answer !== 'S') {
    socket.destroy();
    return { offered: false };
  }
  const name = opts.serverName ?? host;
  // SNI carries host names only (RFC 6066 section 3).
  const servername = net.isIP(name) ? undefined : name;
  const secure = tls.connect({
    socket,
    rejectUnauthorized: false,
    ...(servername ? { servername } : {}),
    ...(opts.caFile ? { ca: readFileSync(opts.caFile, 'utf8') } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    const cert = secure.getPeerCertificate();
    const identity = secure.authorized ? tls.checkServerIdentity(name, cert) : undefined;
    return {
      offered: true,
      subject: dn(cert.subject),
      issuer: dn(cert.issuer),
      validTo: cert.valid_to,
      verified: secure.authorized && identity === undefined,
      ...(!secure.authorized
        ? { verifyError: String(secure.authorizationError) }
        : identity
          ? { verifyError: identity.message }
          : {}),
    };
  } finally {
    secure.destroy();
  }
}

function dn(x: Record<string, string | string[] | undefined> | undefined): string {
  if (!x) return '';
  return Object.entries(x)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}
