/**
 * The e-mail a run's X3 rejection triggers, rendered without sending: the real notifier
 * (src/notify/notifier.ts) with a mailer that captures instead of speaking SMTP. It records the
 * alert in the demo's own throttle table, which is thrown away with the temp dir.
 */
import type { Config } from '../../src/config/schema.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import type { Logger } from '../../src/log/types.js';
import type { Mail } from '../../src/notify/mailer.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { problemsOfRun } from '../../src/notify/run-problems.js';
import type { StagingStore } from '../../src/staging/store.js';

export async function renderEmail(
  summary: RunSummary,
  store: StagingStore,
  config: Config,
  logger: Logger,
): Promise<string | null> {
  const problem = (await problemsOfRun(summary, store)).problems.find((p) =>
    p.fingerprint.startsWith('x3-rejected:'),
  );
  if (!problem) return null;
  const sent: Mail[] = [];
  const notifier = createNotifier({
    config,
    logger,
    redactor: { redact: (t) => t },
    clock: () => new Date(),
    store: async () => store,
    mailer: { send: async (m) => void sent.push(m), verify: async () => {}, close: () => {} },
  });
  await notifier?.problem(problem);
  notifier?.close();
  const mail = sent[0];
  if (!mail) return null;
  const to = config.notifications.to.join(', ');
  return [
    `  To: ${to}`,
    `  Subject: ${mail.subject}`,
    '',
    ...mail.text.split('\n').map((l) => `  ${l}`),
  ].join('\n');
}
