/**
 * The SMTP side of notifications (nodemailer), imported lazily: a run with nothing to report
 * never loads nodemailer. One message per problem, addressed to every `notifications.to`.
 */
import type { Transporter } from 'nodemailer';
import type { Config } from '../config/schema.js';
import { ConfigError, ServiceUnavailableError } from '../errors.js';

export type NotificationsConfig = Config['notifications'];

export interface Mail {
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  /** Connects, authenticates and checks the server accepts the sender (test-connection). */
  verify(): Promise<void>;
  close(): void;
}

export function notificationsConfigured(n: NotificationsConfig): boolean {
  return n.to.length > 0 && n.smtp !== undefined;
}

export function createMailer(n: NotificationsConfig, opts: { connectionTimeoutMs?: number } = {}): Mailer {
  const smtp = n.smtp;
  if (!smtp) {
    throw new ConfigError([
      {
        path: 'notifications.smtp',
        source: 'configuration',
        message: 'expected the SMTP server (host, port) to send e-mails',
      },
    ]);
  }
  const from = n.from ?? (smtp.user?.includes('@') ? smtp.user : `sagesync@${smtp.host}`);
  let transporter: Promise<Transporter> | undefined;
  const timeout = opts.connectionTimeoutMs ?? 15_000;
  const get = (): Promise<Transporter> =>
    (transporter ??= import('nodemailer').then((nm) =>
      nm.default.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
        tls: { rejectUnauthorized: smtp.rejectUnauthorized },
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout * 2,
      }),
    ));
  const where = `${smtp.host}:${smtp.port}`;
  return {
    async send(mail) {
      const t = await get();
      try {
        await t.sendMail({ from, to: [...n.to], subject: mail.subject, text: mail.text });
      } catch (err) {
        throw new ServiceUnavailableError(
          'smtp',
          `The SMTP server ${where} did not accept the e-mail: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    },
    async verify() {
      const t = await get();
      try {
        await t.verify();
      } catch (err) {
        throw new ServiceUnavailableError(
          'smtp',
          `The SMTP server ${where} is not usable: ${(err as Error).message}`,
          {
            cause: err,
            hint: 'Check notifications.smtp (host, port, secure, user, password) and that this machine may reach the server.',
          },
        );
      }
    },
    close() {
      void transporter?.then((t) => t.close());
    },
  };
}
