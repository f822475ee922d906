/**
 * Problem e-mails, throttled through `sagesync_alert` (issue 6 "Notifications", issue 19): the
 * store's `noteAlert` decides atomically, across hosts, whether this occurrence is e-mailed and
 * which records it names, so several hosts running every minute send one e-mail when a problem
 * starts, at most one digest of the records that joined it per `throttleMinutes`, and one
 * recovery e-mail (naming any records not yet e-mailed) when it clears. Nothing here ever fails
 * the sync: every failure is logged.
 */
import { hostname } from 'node:os';
import type { Config } from '../config/schema.js';
import type { Notifier } from '../jobs/context.js';
import type { Logger } from '../log/types.js';
import type { AlertDecision, AlertRecord, PendingAlertItem, StagingStore } from '../staging/store.js';
import { createMailer, notificationsConfigured, type Mailer } from './mailer.js';
import { listed, type Problem } from './problems.js';

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
    async problem(p: Problem) {
      let decision: AlertDecision;
      try {
        const store = await deps.store();
        decision = await store.noteAlert(p.fingerprint, p.subject, n.throttleMinutes, clock(), p.items);
      } catch (err) {
        logger.error(
          `Could not record the alert "${redactor.redact(p.subject)}" (no e-mail sent): ${redactor.redact((err as Error).message)}. If sagesync was just upgraded, run "sagesync migrate".`,
        );
        return;
      }
      if (!decision.send) {
        logger.debug(`Alert throttled: ${p.fingerprint}`, {
          occurrences: decision.record.occurrences,
          pending: decision.record.digest.pending.length,
        });
        return;
      }
      const foot = footer(decision.record, n.throttleMinutes, host);
      if (decision.first || !p.items) {
        await send(`[sagesync] ${p.subject}`, `${p.body.trimEnd()}\n\n${foot}`, 'problem');
        return;
      }
      const count = decision.listed.length + decision.dropped;
      await send(
        `[sagesync] ${p.topic ?? p.subject}: ${count} more since ${decision.listed[0]?.seenAt.slice(11, 16) ?? 'the last e-mail'} UTC`,
        `${digestBody(p, decision)}\n\n${foot}`,
        'digest',
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
    `You get one e-mail when a problem starts, at most one more every ${throttleMinutes} minutes (naming the records that joined it, or as a reminder), and one when it clears.`,
  ].join('\n');
}

function seen(items: readonly PendingAlertItem[]): { text: string }[] {
  return items.map((i) => ({ text: `${i.text} (since ${i.seenAt.slice(0, 16).replace('T', ' ')} UTC)` }));
}

function digestBody(p: Problem, d: AlertDecision): string {
  const n = d.listed.length + d.dropped;
  const current = new Set((p.items ?? []).map((i) => i.key));
  const gone = d.listed.filter((i) => !current.has(i.key)).length;
  return [
    `${n} record${n === 1 ? '' : 's'} joined this open problem since its last e-mail:`,
    '',
    ...listed(seen(d.listed), Number.MAX_SAFE_INTEGER),
    ...(d.dropped > 0 ? [`  … and ${d.dropped} more (not kept: too many at once)`] : []),
    ...(gone > 0 ? ['', `${gone} of them no longer fail${gone === 1 ? 's' : ''} (fixed since).`] : []),
    '',
    `Now: ${p.subject}.`,
    ...(p.whatToDo ? [`What to do: ${p.whatToDo}`] : []),
  ].join('\n');
}

function recoveryBody(alert: AlertRecord, now: Date, host: string): string {
  const pending = alert.digest.pending;
  return [
    `The problem "${alert.summary}" is no longer reported.`,
    '',
    `It was first seen ${alert.firstSeenAt.toISOString()}, last seen ${alert.lastSeenAt.toISOString()}, ${alert.occurrences} time${alert.occurrences === 1 ? '' : 's'} in all.`,
    ...(pending.length + alert.digest.dropped > 0
      ? [
          '',
          'These records joined it after its last e-mail; they are resolved too:',
          ...listed(seen(pending), Number.MAX_SAFE_INTEGER),
          ...(alert.digest.dropped > 0 ? [`  … and ${alert.digest.dropped} more`] : []),
        ]
      : []),
    '',
    `Cleared: ${now.toISOString()} by sagesync on ${host}.`,
    `Problem id: ${alert.fingerprint}`,
  ].join('\n');
}
