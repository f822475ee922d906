/**
 * A total deadline for one SMTP exchange (issue 18, point 4). nodemailer's timeouts are idle
 * timeouts: a server that sends a byte every few seconds keeps an e-mail, and the run that sends
 * it, alive for ever. sagesync opens the TCP connection itself and hands it to nodemailer
 * (nodemailer's `getSocket` option: it then does the TLS upgrade, STARTTLS and the dialogue as
 * usual), so that the deadline can end it.
 */
import net from 'node:net';

type GetSocket = (
  options: { host?: string; port?: number },
  callback: (err: Error | null, socket?: { connection: net.Socket }) => void,
) => void;

export interface SmtpSockets {
  /** For nodemailer's `getSocket` transport option. */
  getSocket: GetSocket;
  /** Ends every connection still open (the deadline passed, or the mailer closes). */
  destroyAll(): void;
}

export function smtpSockets(): SmtpSockets {
  const open = new Set<net.Socket>();
  return {
    getSocket(options, callback) {
      const socket = net.connect({ host: options.host, port: options.port ?? 587 });
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      const failed = (err: Error): void => {
        socket.destroy();
        callback(err);
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        callback(null, { connection: socket });
      });
    },
    destroyAll() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}

/** Raised when `work` has not ended after `ms`; `expire` has then ended its connections. */
class SmtpDeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000} s (notifications.smtp.timeoutMs)`);
    this.name = 'SmtpDeadlineError';
  }
}

export async function withinDeadline<T>(ms: number, work: Promise<T>, expire: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      expire();
      reject(new SmtpDeadlineError(ms));
    }, ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
