/**
 * Child process of notify-smtp.test.ts: one "host" noting the same problem several times through
 * the shared staging database. Config JSON in argv[2], fingerprint in argv[3], count in argv[4].
 */
import { PassThrough } from 'node:stream';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { createRedactor } from '../../src/log/redact.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { openStore } from '../../src/staging/open-store.js';

const config = configSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const fingerprint = process.argv[3] ?? 'fp';
const count = Number(process.argv[4] ?? '1');
const store = await openStore(config);
const logger = createLogger(config.logging, { stream: new PassThrough() });
const notifier = createNotifier({
  config,
  logger,
  redactor: createRedactor(config),
  clock: () => new Date(),
  store: async () => store,
});
for (let i = 0; i < count; i++) {
  await notifier?.problem({
    fingerprint,
    subject: 'push-orders could not run: Oro refused the credentials',
    body: `Run ${process.pid}/${i}: the Oro token endpoint answered 401 invalid_client (secret ${config.oro.clientSecret}).`,
  });
}
notifier?.close();
await store.close();
await logger.close();
