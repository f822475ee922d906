// @module-tag hostile
/**
 * Issue 18, point 4 (SMTP): nodemailer's timeouts are idle timeouts, so an SMTP server that
 * answers one byte at a time held an e-mail, and the run sending it, for ever. Now one e-mail has
 * a total deadline (`notifications.smtp.timeoutMs`) and its connection is closed when it passes.
 */
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import { createMailer } from '../../src/notify/mailer.js';

/** Greets at once, then answers EHLO one byte every 100 ms, never finishing the line. */
let server: net.Server;
let port = 0;
let closedByClient = 0;
beforeAll(async () => {
  server = net.createServer((socket) => {
    let timer: NodeJS.Timeout | undefined;
    socket.write('220 slow.example.com ESMTP\r\n');
    socket.once('data', () => {
      timer = setInterval(() => socket.write('2'), 100);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      closedByClient++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function mailer() {
  const config = configSchema.parse({
    oro: { url: 'https://shop.example.com', clientId: 'c', clientSecret: 's' },
    notifications: {
      to: ['ops@example.com'],
      smtp: { host: '127.0.0.1', port, timeoutMs: 1000 },
    },
  });
  return createMailer(config.notifications);
}

describe('an SMTP server that answers a byte at a time (point 4)', () => {
  it('sending an e-mail ends at notifications.smtp.timeoutMs, its connection closed', async () => {
    const m = mailer();
    const before = closedByClient;
    const err = await m.send({ subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toBe(
      `The SMTP server 127.0.0.1:${port} did not accept the e-mail: no answer within 1 s (notifications.smtp.timeoutMs)`,
    );
    await expect.poll(() => closedByClient).toBe(before + 1);
    m.close();
  }, 20_000);

  it('test-connection’s check ends the same way', async () => {
    const m = mailer();
    const err = await m.verify().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('no answer within 1 s');
    m.close();
  }, 20_000);
});

describe('the connection sagesync opens still does TLS as before', () => {
  let received = 0;
  const servers: SMTPServer[] = [];
  const start = async (secure: boolean): Promise<number> => {
    // smtp-server's built-in self-signed certificate: the TLS is real, the name is not.
    const s = new SMTPServer({
      secure,
      authOptional: true,
      logger: false,
      onData(stream, _session, cb) {
        stream.resume();
        stream.on('end', () => {
          received++;
          cb();
        });
      },
    });
    s.on('error', () => undefined); // the refused certificate ends the TLS handshake on its side
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return (s.server.address() as net.AddressInfo).port;
  };
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it.each([
    ['implicit TLS (secure: true)', true],
    ['STARTTLS', false],
  ])(
    '%s: sent, and the certificate is checked',
    async (_name, secure) => {
      const serverPort = await start(secure);
      const make = (rejectUnauthorized: boolean) =>
        createMailer(
          configSchema.parse({
            oro: { url: 'https://shop.example.com', clientId: 'c', clientSecret: 's' },
            notifications: {
              to: ['ops@example.com'],
              smtp: { host: '127.0.0.1', port: serverPort, secure, rejectUnauthorized, timeoutMs: 10_000 },
            },
          }).notifications,
        );
      const checked = make(true);
      await expect(checked.send({ subject: 's', text: 't' })).rejects.toThrow(/certificate/);
      checked.close();
      const before = received;
      const lenient = make(false);
      await lenient.send({ subject: 's', text: 't' });
      lenient.close();
      expect(received).toBe(before + 1);
    },
    30_000,
  );
});
