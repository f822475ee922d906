/**
 * A pull stream row → its Oro resource and the attributes to set. Values are sent as Oro reads
 * them (platform 6.1.0 `src/Oro/Bundle/ApiBundle/Resources/config/data_transformers.yml`):
 * decimals as strings (money is never a float), integers as numbers, booleans, dates `YYYY-MM-DD`,
 * timestamps ISO 8601, JSON columns as their parsed value.
 */
import { OroRecordError } from '../oro/errors.js';
import type { OroClient } from '../oro/types.js';
import { classifyOroError } from '../jobs/kit/oro-failure.js';
import { text } from '../jobs/kit/row-values.js';
import type { SagesyncError } from '../errors.js';
import type { InboundRow } from '../staging/store.js';
import type { TableDef } from '../staging/tables.js';
import type { PullStreamDef } from './types.js';

export type Target =
  | { kind: 'found'; id: string }
  | { kind: 'error'; message: string }
  | { kind: 'passing'; error: SagesyncError };

function wireValue(value: unknown, kind: string): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (kind === 'json' && typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

export function attributesOf(
  def: PullStreamDef,
  table: TableDef,
  row: InboundRow,
): { ok: true; attributes: Record<string, unknown> } | { ok: false; message: string } {
  const attributes: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [attribute, column] of Object.entries(def.set)) {
    const col = table.columns.find((c) => c.name === column);
    const v = wireValue(row[column], col?.type.kind ?? 'nvarchar');
    if (v === null && col && !col.nullable) missing.push(column);
    attributes[attribute] = v;
  }
  if (missing.length > 0)
    return { ok: false, message: `Required column ${missing.join(', ')} is empty; X3 must fill it.` };
  return { ok: true, attributes };
}

/** Finds the row's Oro resource; by attribute, the answer is kept for the run. */
/** Records read per look-up: enough to see equal-but-for-case neighbours next to the exact one. */
const MATCH_PAGE = 10;

function exactly(actual: unknown, value: string): boolean {
  return (typeof actual === 'string' || typeof actual === 'number') && String(actual) === value;
}

export async function findTarget(
  oro: OroClient,
  def: PullStreamDef,
  row: InboundRow,
  cache: Map<string, Target>,
): Promise<Target> {
  const value = text(row, def.match.column);
  if (value === null) {
    return { kind: 'error', message: `${def.match.column} is empty: the row names no Oro ${def.resource}.` };
  }
  const attribute = def.match.attribute;
  if (!attribute) {
    return /^\d+$/.test(value)
      ? { kind: 'found', id: value }
      : { kind: 'error', message: `${def.match.column} "${value}" is not an Oro id (a whole number).` };
  }
  const hit = cache.get(value);
  if (hit) return hit;
  // Oro reads `a,b` in a filter value as a list and `a..b` as a range where the field allows
  // them (Oro docs api/filters.rst), so such a value could name records the row never asked for.
  if (value.includes(',') || value.includes('..')) {
    return {
      kind: 'error',
      message:
        `${def.match.column} "${value}" holds "," or "..", which Oro's filter reads as a list or a range; ` +
        `a match value must be one exact ${attribute}. Correct it, then set this row back to NEW.`,
    };
  }
  try {
    const ids: string[] = [];
    const filter = { [attribute]: { op: 'eq' as const, value } };
    for await (const page of oro.list(def.resource, { filter, pageSize: MATCH_PAGE })) {
      // Exactly equal only: Oro's comparison may ignore case or trailing spaces (the database's
      // collation), and a server may not honour the filter at all.
      ids.push(...page.data.filter((r) => exactly(r.attributes[attribute], value)).map((r) => r.id));
      break;
    }
    const target: Target =
      ids.length === 1
        ? { kind: 'found', id: ids[0] as string }
        : ids.length === 0
          ? {
              kind: 'error',
              message: `No Oro ${def.resource} has ${attribute} "${value}". Check ${def.match.column}, then set this row back to NEW.`,
            }
          : {
              kind: 'error',
              message: `Several Oro ${def.resource} have ${attribute} "${value}"; the row cannot say which one. Make ${attribute} unique in Oro, then set this row back to NEW.`,
            };
    cache.set(value, target);
    return target;
  } catch (e) {
    const f = classifyOroError(e);
    if (f.kind === 'passing') return f;
    const why =
      e instanceof OroRecordError && e.status === 400
        ? `Oro cannot filter ${def.resource} by ${attribute} (400: ${f.detail}).`
        : `Oro refused to look up ${def.resource} by ${attribute} (${f.status}: ${f.detail}).`;
    return { kind: 'error', message: `${why} Check match.attribute of stream "${def.name}".` };
  }
}
