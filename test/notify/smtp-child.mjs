// A real SMTP server (smtp-server package) in its own process, for the notification tests.
// Prints `PORT <n>` once listening; appends each received message as one JSON line to the file
// given as argv[2], synchronously, before acknowledging it (so the test can count deterministically).
import { Buffer } from 'node:buffer';
import { appendFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

const out = process.argv[2];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onAuth(auth, _session, cb) {
    cb(null, { user: auth.username });
  },
  onData(stream, session, cb) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      const record = {
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        user: session.user ?? null,
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      appendFileSync(out, JSON.stringify(record) + '\n');
      cb();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
