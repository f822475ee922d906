/**
 * The digest rule of `sagesync_alert` (issue 19), decided while the store holds the alert's row
 * lock, so every host sees the same window and the same list:
 *
 * - a problem that starts (or starts again after it cleared) is e-mailed at once with all its
 *   records, which become "reported";
 * - records that join an open problem are kept as "pending" with their reason; when the throttle
 *   window since the last e-mail has ended, the next occurrence e-mails them as one digest;
 * - a problem without records (a job that cannot run) is e-mailed again at most once a window.
 *
 * The store reads the row, calls `planAlert`, and writes the result back in the same transaction.
 */
import type { AlertDigest, AlertItem, AlertRecord, PendingAlertItem } from './store.js';

/** At most this many pending records are kept per problem; the rest are only counted. */
const MAX_PENDING = 1000;

export interface AlertNote {
  fingerprint: string;
  summary: string;
  throttleMinutes: number;
  now: Date;
  /** The problem's records now; undefined for a problem that has none (a failed job). */
  items?: readonly AlertItem[];
}

export interface AlertPlan {
  send: boolean;
  /** True when this e-mail is the problem's first since it (re)started. */
  first: boolean;
  /** The records this e-mail must name: all current ones (first) or the new ones (digest). */
  listed: PendingAlertItem[];
  /** Records that joined but could not be kept (beyond MAX_PENDING) and are only counted. */
  dropped: number;
  /** The row to write. */
  next: AlertRecord;
}

const EMPTY_DIGEST: AlertDigest = Object.freeze({ reported: [], pending: [], dropped: 0 });

/** `prev` is the locked row, or null when the problem was never seen. */
export function planAlert(prev: AlertRecord | null, note: AlertNote): AlertPlan {
  const { now, items } = note;
  const at = now.toISOString();
  const restarted = prev === null || prev.clearedAt !== null || prev.lastSentAt === null;
  const windowOver =
    prev?.lastSentAt != null && now.getTime() - prev.lastSentAt.getTime() >= note.throttleMinutes * 60_000;
  const base = {
    fingerprint: note.fingerprint,
    summary: note.summary,
    lastSeenAt: now,
    occurrences: (prev?.occurrences ?? 0) + 1,
    clearedAt: null,
  };
  const current = new Map((items ?? []).map((i) => [i.key, i]));

  if (restarted) {
    const listed = [...current.values()].map((i) => ({ ...i, seenAt: at }));
    return {
      send: true,
      first: true,
      listed,
      dropped: 0,
      next: {
        ...base,
        firstSeenAt: prev === null || prev.clearedAt !== null ? now : prev.firstSeenAt,
        lastSentAt: now,
        digest: { reported: [...current.keys()], pending: [], dropped: 0 },
      },
    };
  }

  const old = prev.digest;
  const known = new Set([...old.reported, ...old.pending.map((p) => p.key)]);
  const joined = [...current.values()].filter((i) => !known.has(i.key));
  const room = Math.max(0, MAX_PENDING - old.pending.length);
  const pending = [...old.pending, ...joined.slice(0, room).map((i) => ({ ...i, seenAt: at }))];
  const dropped = old.dropped + Math.max(0, joined.length - room);
  // Reported records that left the problem are forgotten, so the list stays as long as the problem.
  const reported = old.reported.filter((k) => current.has(k) || items === undefined);
  const send = windowOver && (items === undefined || pending.length > 0 || dropped > 0);
  const next: AlertRecord = {
    ...base,
    firstSeenAt: prev.firstSeenAt,
    lastSentAt: send ? now : prev.lastSentAt,
    digest: send
      ? {
          reported: [...reported, ...pending.map((p) => p.key).filter((k) => current.has(k))],
          pending: [],
          dropped: 0,
        }
      : { reported, pending, dropped },
  };
  return { send, first: false, listed: send ? pending : [], dropped: send ? dropped : 0, next };
}

/** The `digest` column (JSON text or an object, per driver) → an AlertDigest; tolerant of NULL. */
export function parseDigest(v: unknown): AlertDigest {
  if (v === null || v === undefined || v === '') return EMPTY_DIGEST;
  const o = (typeof v === 'string' ? JSON.parse(v) : v) as Partial<AlertDigest>;
  return {
    reported: Array.isArray(o.reported) ? o.reported.map(String) : [],
    pending: Array.isArray(o.pending) ? o.pending : [],
    dropped: Number(o.dropped ?? 0),
  };
}
