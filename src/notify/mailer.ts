/**
 * The SMTP side of notifications (nodemailer), imported lazily: a run with nothing to report
 * never loads nodemailer. One message per problem, addressed to every `notifications.to`.
 */
import type { Transporter } from 'nodemailer';
import type { Config } from '../config/schema.js';
import { ConfigError, ServiceUnavailableError } from '../errors.js';
import { smtpSockets, withinDeadline } from './smtp-socket.js';

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
  // The whole exchange (connect, TLS, authentication, sending) ends by notifications.smtp.timeoutMs;
  // nodemailer's own timeouts are idle timeouts, below it.
  const total = smtp.timeoutMs;
  const timeout = Math.min(opts.connectionTimeoutMs ?? 15_000, total);
  const sockets = smtpSockets();
  const within = <T>(work: (t: Transporter) => Promise<T>): Promise<T> =>
    withinDeadline(total, get().then(work), () => sockets.destroyAll());
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
        getSocket: sockets.getSocket,
      }),
    ));
  const where = `${smtp.host}:${smtp.port}`;
  return {
    async send(mail) {
      try {
        await within((t) => t.sendMail({ from, to: [...n.to], subject: mail.subject, text: mail.text }));
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
      try {
        await within((t) => t.verify());
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
      sockets.destroyAll();
      void transporter?.then((t) => t.close());
    },
  };
}
