/**
 * Insecure settings that must be visible on every run (issue 6 "Database security": turning
 * verification off must be explicit and logged as a warning on every run). The CLI calls
 * `logSecurityWarnings` once per command, before connecting.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/types.js';

export function securityWarnings(config: Config): string[] {
  const out: string[] = [];
  const s = config.staging;
  const sslmode = sslmodeOf(s.url);
  if (s.dialect !== 'embedded') {
    if (!s.tls.enabled || sslmode === 'disable') {
      out.push(
        'staging.tls.enabled is false: the connection to the staging database is NOT encrypted. Turn it on unless the database is only reachable through the SSH tunnel.',
      );
    } else if (!s.tls.rejectUnauthorized || sslmode === 'no-verify') {
      out.push(
        'staging.tls.rejectUnauthorized is false: certificate verification is off for the staging database, so a man in the middle would not be noticed. Set staging.tls.caFile to trust a private CA instead.',
      );
    }
  }
  const oro = new URL(config.oro.url);
  if (oro.protocol === 'http:' && !config.oro.allowInsecureHttp && !isLoopback(oro.hostname)) {
    out.push(
      `oro.url is plain http:// (${oro.host}): the client secret and every access token cross the network unencrypted. Use https://, or set oro.allowInsecureHttp: true if the link is protected otherwise.`,
    );
  }
  const smtp = config.notifications.smtp;
  if (smtp && !smtp.rejectUnauthorized) {
    out.push(
      'notifications.smtp.rejectUnauthorized is false: certificate verification is off for the SMTP server.',
    );
  }
  return out;
}

export function logSecurityWarnings(config: Config, logger: Logger): void {
  for (const w of securityWarnings(config)) logger.warn(w);
}

function sslmodeOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).searchParams.get('sslmode') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Loopback: the traffic does not leave the machine (a local proxy or a tunnel's end). */
function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}
