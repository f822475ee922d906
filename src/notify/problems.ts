/**
 * The problems worth an e-mail, built from what the staging tables say now (issue 6, issue 19).
 * A problem with records (`items`) is a standing problem: one e-mail when it starts, a digest of
 * the records that join it (src/staging/alert-plan.ts), one "Resolved:" e-mail when it clears.
 */
import { createHash } from 'node:crypto';
import type { AlertItem, QuarantineRecord } from '../staging/store.js';

export interface Problem {
  fingerprint: string;
  subject: string;
  /** The first e-mail's body: what happened, every record listed (up to MAX_LISTED), what to do. */
  body: string;
  /** The problem's records now; a digest names those that joined since the last e-mail. */
  items?: AlertItem[];
  /** A digest's subject and closing advice. */
  topic?: string;
  whatToDo?: string;
}

const MAX_LISTED = 200;
/** `sagesync_alert.fingerprint` is char(64). */
const FINGERPRINT_LENGTH = 64;

/** Long fingerprints (a custom stream's table) keep their start and gain a hash of the whole. */
function fitFingerprint(fp: string): string {
  if (fp.length <= FINGERPRINT_LENGTH) return fp;
  const hash = createHash('sha256').update(fp).digest('hex').slice(0, 12);
  return `${fp.slice(0, FINGERPRINT_LENGTH - 13)}#${hash}`;
}

export function listed(items: readonly { text: string }[], max = MAX_LISTED): string[] {
  return [
    ...items.slice(0, max).map((i) => `  - ${i.text}`),
    ...(items.length > max ? [`  … and ${items.length - max} more`] : []),
  ];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Rows a pull job (or pull stream) set to ERROR: one standing problem per job and table. */
export function pullErrors(job: string, table: string, items: AlertItem[], more: boolean): Problem {
  const whatToDo = `correct the data in X3 (or in Oro), then set the row's status back to NEW in ${table}; the next run applies it.`;
  return {
    fingerprint: fitFingerprint(`pull-errors:${job}:${table}`),
    subject: `${job}: ${plural(items.length, 'row')}${more ? '+' : ''} of ${table} in ERROR`,
    topic: `${job}: rows of ${table} in ERROR`,
    whatToDo,
    items,
    body: [
      `${job} could not apply these rows to Oro and set them to status ERROR with the reason in sync_message:`,
      '',
      ...listed(items),
      '',
      `What to do: ${whatToDo}`,
    ].join('\n'),
  };
}

export function quarantined(table: string, job: string, records: QuarantineRecord[]): Problem {
  const since = records.reduce(
    (min, r) => (r.firstFailedAt < min ? r.firstFailedAt : min),
    records[0]?.firstFailedAt ?? new Date(),
  );
  const whatToDo = `fix the cause named for each record (usually the record in Oro, or a value too long for its staging column), then run "sagesync ${job} --id <id>" to retry one at once.`;
  const items = records.map((r) => ({
    key: `${r.entity}:${r.entityId}`,
    text: `${r.entity} ${r.entityId}: ${firstLine(r.error)}`,
  }));
  return {
    fingerprint: fitFingerprint(`quarantine:${job}`),
    subject: `${job}: ${plural(records.length, 'record')} quarantined`,
    topic: `${job}: records quarantined`,
    whatToDo,
    items,
    body: [
      `${job} could not stage these Oro records; they are retried with a growing delay (table ${table}):`,
      '',
      ...records
        .slice(0, MAX_LISTED)
        .map(
          (r) =>
            `  - ${r.entity} ${r.entityId}: ${firstLine(r.error)}\n    failing since ${r.firstFailedAt.toISOString()}, ${plural(r.attempts, 'attempt')}, next ${r.nextAttemptAt.toISOString()}`,
        ),
      ...(records.length > MAX_LISTED ? [`  … and ${records.length - MAX_LISTED} more`] : []),
      '',
      `Oldest failure: ${since.toISOString()}.`,
      `What to do: ${whatToDo}`,
    ].join('\n'),
  };
}

export function x3Rejected(
  table: string,
  rows: { stagingId: string; key: string; message: string | null }[],
  more: boolean,
): Problem {
  const whatToDo =
    'these are failures on the ERP side. Check the X3 import log for the rows above, fix the data or the X3 setup, and have X3 process them again (X3 owns status and erp_message in this table).';
  const items = rows.map((r) => ({
    key: r.stagingId,
    text: `staging_id ${r.stagingId} (${r.key}): ${r.message ?? '(no erp_message)'}`,
  }));
  return {
    fingerprint: fitFingerprint(`x3-rejected:${table}`),
    subject: `X3 rejected ${plural(rows.length, 'row')}${more ? '+' : ''} of ${table}`,
    topic: `X3 rejected rows of ${table}`,
    whatToDo,
    items,
    body: [
      `Sage X3 set these rows of ${table} to status ERROR (erp_message says why):`,
      '',
      ...listed(items),
      '',
      `What to do: ${whatToDo}`,
    ].join('\n'),
  };
}

export function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
