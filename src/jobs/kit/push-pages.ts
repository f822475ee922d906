/** Small pieces the push jobs share: ids, pages read ahead, records screened out of a page. */
import type { Logger } from '../../log/types.js';
import type { JsonApiResource, Page } from '../../oro/types.js';
import type { ReportBuilder } from '../kit/report.js';
import type { JobDeps } from '../types.js';

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `--id 12,15` values as Oro ids; a non-numeric one is a usage problem the CLI already rejects. */
export function parseIds(ids: readonly string[] | undefined): string[] | undefined {
  if (!ids) return undefined;
  return [
    ...new Set(
      ids
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/**
 * Starts fetching the next item while the caller works on the current one, so Oro's response
 * time overlaps the staging transaction instead of adding to it. At most one item is in flight.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      // Observed when awaited in the next turn; this only keeps an early exit from leaving an
      // unhandled rejection behind.
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await it.return?.(undefined).catch(() => undefined);
  }
}

/** Largest value of the staging tables' `int` id columns (SQL Server int, PostgreSQL integer). */
const MAX_STAGING_ID = 2_147_483_647;

/** An Oro id the staging tables can hold: a whole number from 1 to 2,147,483,647. */
export function isStagingId(id: string): boolean {
  return /^[1-9]\d{0,9}$/.test(id) && Number(id) <= MAX_STAGING_ID;
}

/** Why a record with this (odd) id, or related id, cannot be staged. */
export function oddIdReason(what: string, id: string): string {
  return `${what} ${JSON.stringify(shownId(id))} is not a whole number from 1 to ${MAX_STAGING_ID}, so it cannot be staged`;
}

/** An id as a quarantine entity id (varchar(100)) and in a message: never longer than that. */
function shownId(id: string): string {
  return id.length <= 100 ? id : `${id.slice(0, 99)}…`;
}

/**
 * The records of a page that cannot be staged whatever the mapping says, taken out of it: those
 * the reader left out for an `updatedAt` that is not a date, and (`idsOf`) those with an id, or a
 * related id, that is not a staging id. One such record is quarantined; the rest of the page goes
 * on. Records dated too far in the future stay in the page and are reported: the cursor does
 * not follow them past this machine's clock (src/oro/reading.ts).
 */
export function screenPage(
  page: Page,
  entity: string,
  report: ReportBuilder,
  logger: Logger,
  idsOf?: (r: JsonApiResource) => { what: string; id: string }[],
): { id: string; reason: string }[] {
  const out = (page.rejected ?? []).map((r) => ({ id: shownId(r.id), reason: `${entity} ${r.reason}` }));
  page.rejected = [];
  if (idsOf) {
    const kept = page.data.filter((r) => {
      const odd = idsOf(r).find((x) => !isStagingId(x.id));
      if (!odd) return true;
      out.push({ id: shownId(r.id), reason: oddIdReason(odd.what, odd.id) });
      return false;
    });
    if (kept.length !== page.data.length) page.data.splice(0, page.data.length, ...kept);
  }
  if (page.future?.length) {
    const list = page.future.map((f) => `${shownId(f.id)} (${f.updatedAt})`).join(', ');
    const text = `${entity} ${list}: updatedAt more than 5 minutes ahead of this machine's clock; read, but the cursor stays at the current time. Check the clocks or the record in Oro.`;
    logger.warn(text);
    report.note(text);
    page.future = [];
  }
  return out;
}

/**
 * Ids to read by id (`--id` or quarantine retries) that are staging ids; the others are never
 * sent to Oro (an id filter holding `1 OR 1=1` is a 400 for the whole request). `--id` reports
 * them; a quarantined one stays quarantined (its next attempt backs off further).
 */
export async function stagingIdsOnly(
  ids: readonly string[],
  explicit: boolean,
  job: string,
  entity: string,
  deps: JobDeps,
  report: ReportBuilder,
  dryRun: boolean,
): Promise<string[]> {
  const odd = ids.filter((id) => !isStagingId(id));
  if (odd.length === 0) return [...ids];
  const reason = (id: string): string =>
    `${entity} id ${JSON.stringify(shownId(id))} is not a whole number from 1 to ${MAX_STAGING_ID}, so it cannot be staged`;
  if (explicit) for (const id of odd) report.fail(entity, shownId(id), reason(id));
  else if (!dryRun) {
    await deps.store.quarantine(
      odd.map((id) => ({ job, entity, entityId: shownId(id), error: reason(id) })),
      deps.clock(),
    );
  }
  return ids.filter(isStagingId);
}
