/**
 * Problem e-mails, throttled through `sagesync_alert` (issue 6 "Notifications"): the store's
 * `noteAlert` decides atomically, across hosts, whether this occurrence is e-mailed, so several
 * hosts running every minute send at most one e-mail per problem per `throttleMinutes`, and one
 * recovery e-mail when it clears. Nothing here ever fails the sync: every failure is logged.
 */
import { hostname } from 'node:os';
import type { Config } from '../config/schema.js';
import type { Notifier } from '../jobs/context.js';
import type { Logger } from '../log/types.js';
import type { AlertRecord, StagingStore } from '../staging/store.js';
import { createMailer, notificationsConfigured, type Mailer } from './mailer.js';

/** Fingerprints of one-off events (records set to ERROR in one run): cleared without a recovery e-mail. */
export const EVENT_PREFIX = 'event:';

export interface NotifierDeps {
  config: Config;
  logger: Logger;
  /** Masks secrets in subject and body (src/log/redact.ts). */
  redactor: { redact(text: string): string };
  clock: () => Date;
  /** The staging store, opened lazily (a run with no problem never needs it here). */
  store: () => Promise<StagingStore>;
  /** For tests: a mailer other than SMTP. */
  mailer?: Mailer;
}

export type ClosableNotifier = Notifier & { close(): void };

/** undefined when no recipient or no SMTP server is configured. */
export function createNotifier(deps: NotifierDeps): ClosableNotifier | undefined {
  const n = deps.config.notifications;
  if (!notificationsConfigured(n) && !deps.mailer) return undefined;
  const { logger, redactor, clock } = deps;
  let mailer: Mailer | undefined = deps.mailer;
  const getMailer = (): Mailer => (mailer ??= createMailer(n));
  const host = hostname();

  async function send(subject: string, text: string, what: string): Promise<boolean> {
    try {
      await getMailer().send({ subject: redactor.redact(subject), text: redactor.redact(text) });
      logger.info(`E-mailed ${n.to.join(', ')}: ${redactor.redact(subject)}`);
      return true;
    } catch (err) {
      logger.error(
        `Could not send the ${what} e-mail (the sync itself is not affected): ${redactor.redact((err as Error).message)}`,
      );
      return false;
    }
  }

  return {
    async problem(p) {
      let decision: { send: boolean; record: AlertRecord };
      try {
        const store = await deps.store();
        decision = await store.noteAlert(p.fingerprint, p.subject, n.throttleMinutes, clock());
      } catch (err) {
        logger.error(
          `Could not record the alert "${redactor.redact(p.subject)}" (no e-mail sent): ${redactor.redact((err as Error).message)}`,
        );
        return;
      }
      if (!decision.send) {
        logger.debug(`Alert throttled: ${p.fingerprint}`, { occurrences: decision.record.occurrences });
        return;
      }
      await send(
        `[sagesync] ${p.subject}`,
        `${p.body.trimEnd()}\n\n${footer(decision.record, n.throttleMinutes, host)}`,
        'problem',
      );
    },

    async settle(active) {
      const keep = new Set(active);
      try {
        const store = await deps.store();
        for (const alert of await store.openAlerts()) {
          if (keep.has(alert.fingerprint)) continue;
          const due = await store.clearAlert(alert.fingerprint, clock());
          if (!due || alert.fingerprint.startsWith(EVENT_PREFIX)) continue;
          await send(`[sagesync] Resolved: ${alert.summary}`, recoveryBody(alert, clock(), host), 'recovery');
        }
      } catch (err) {
        logger.error(`Could not settle the open alerts: ${redactor.redact((err as Error).message)}`);
      }
    },

    close() {
      mailer?.close();
    },
  };
}

function footer(record: AlertRecord, throttleMinutes: number, host: string): string {
  return [
    '--',
    `Since: ${record.firstSeenAt.toISOString()} (first seen), last seen ${record.lastSeenAt.toISOString()}`,
    `How often: ${record.occurrences} time${record.occurrences === 1 ? '' : 's'} so far`,
    `Reported by: sagesync on ${host}`,
    `Problem id: ${record.fingerprint}`,
    `You get at most one e-mail about this problem every ${throttleMinutes} minutes, and one when it clears.`,
  ].join('\n');
}

function recoveryBody(alert: AlertRecord, now: Date, host: string): string {
  return [
    `The problem "${alert.summary}" is no longer reported.`,
    '',
    `It was first seen ${alert.firstSeenAt.toISOString()}, last seen ${alert.lastSeenAt.toISOString()}, ${alert.occurrences} time${alert.occurrences === 1 ? '' : 's'} in all.`,
    `Cleared: ${now.toISOString()} by sagesync on ${host}.`,
    `Problem id: ${alert.fingerprint}`,
  ].join('\n');
}
