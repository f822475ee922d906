/**
 * The checks of test-connection that need no database and no Oro: the configuration (files it
 * names are readable, security warnings) and the SMTP server (connection and login).
 */
import { accessSync, constants } from 'node:fs';
import type { RunContext } from '../jobs/context.js';
import { createMailer, notificationsConfigured } from '../notify/mailer.js';
import { securityWarnings } from './security-warnings.js';
import type { Outcome } from './test-connection-checker.js';

export function configurationCheck(ctx: RunContext): Outcome {
  const s = ctx.config.staging;
  const files: [string, string | undefined][] = [
    ['staging.tls.caFile', s.tls.caFile],
    ['staging.sshTunnel.privateKeyFile', s.sshTunnel?.privateKeyFile],
  ];
  for (const [key, file] of files) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch {
      return {
        ok: false,
        kind: 'config',
        detail: `${key}: cannot read ${file}`,
        fix: `Fix ${key} or the file's permissions.`,
      };
    }
  }
  const warnings = securityWarnings(ctx.config);
  const where =
    s.dialect === 'embedded' ? `embedded staging database in ${s.path}` : `${s.dialect} staging database`;
  return {
    detail: `valid (${where}, Oro ${ctx.config.oro.url})${warnings.map((w) => `; warning: ${w}`).join('')}`,
  };
}

export async function smtpCheck(ctx: RunContext): Promise<Outcome> {
  const n = ctx.config.notifications;
  if (!notificationsConfigured(n)) {
    if (n.to.length > 0) {
      return {
        ok: false,
        kind: 'config',
        detail: 'notifications.to is set but notifications.smtp is not',
        fix: 'Set notifications.smtp.host (and port, user, password).',
      };
    }
    return { detail: 'not configured: no problem e-mails will be sent' };
  }
  const mailer = createMailer(n);
  try {
    await mailer.verify();
  } finally {
    mailer.close();
  }
  const smtp = n.smtp!;
  return {
    detail: `${smtp.host}:${smtp.port} accepted the connection${smtp.user ? ` and the login of "${smtp.user}"` : ''}; e-mails go to ${n.to.join(', ')}`,
  };
}
