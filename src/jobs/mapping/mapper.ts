/**
 * The one generic mapper: a declarative RecordSpec (column → source) evaluated against an Oro
 * resource gives a contract row, validated against the table definition (src/staging/tables.ts).
 * Orders, order lines and customers are specs; custom streams (a later issue) build specs from
 * configuration and call the same function, so there is no second code path.
 */
import type { JsonApiResource } from '../../oro/types.js';
import type { Row } from '../../staging/store.js';
import type { TableDef } from '../../staging/tables.js';
import { resolvePath, type ResourceLookup } from './paths.js';
import { coerce, type CellValue } from './values.js';

/** Named value transforms; everything else is coerced by the column type. */
export const TRANSFORMS = {
  /** Oro region ids combine country and code (`US-NY`); X3 wants the code (`NY`). */
  regionCode: (v: unknown): unknown => (typeof v === 'string' && /^[A-Z]{2}-./.test(v) ? v.slice(3) : v),
  /** `true`/`false` as text. */
  text: (v: unknown): unknown => (typeof v === 'boolean' ? String(v) : v),
} as const;
export type TransformName = keyof typeof TRANSFORMS;

export type ColumnSource =
  /** A path (see paths.ts); a list means the first non-null one (e.g. override ?? estimate). */
  | { path: string | readonly string[]; transform?: TransformName }
  /** A value the caller supplies (line number, parent id, computed hash…). */
  | { context: string }
  | { constant: CellValue };

export interface RecordSpec {
  table: TableDef;
  columns: Readonly<Record<string, ColumnSource>>;
  /** The JSON column that receives the configured custom attributes (`{}` when none). */
  customAttributesColumn?: string;
}

export interface MapInput {
  root: JsonApiResource;
  lookup: ResourceLookup;
  context?: Readonly<Record<string, unknown>>;
  /** JSON key → path, from `orders.customAttributes` and friends. */
  customAttributes?: Readonly<Record<string, string>>;
}

export interface Problem {
  column: string;
  message: string;
}

export interface MapResult {
  row: Row;
  problems: Problem[];
  /** Related resources a path needed but that were not read (`type:id`): read them, map again. */
  missing: string[];
}

export function mapRecord(spec: RecordSpec, input: MapInput): MapResult {
  const row: Row = {};
  const problems: Problem[] = [];
  const missing: string[] = [];
  const read = (path: string): unknown => {
    const r = resolvePath(input.root, path, input.lookup);
    if (r.found) return r.value;
    missing.push(r.missing.replace(' ', ':'));
    return null;
  };
  for (const col of spec.table.columns) {
    let raw: unknown;
    const src = col.name === spec.customAttributesColumn ? undefined : spec.columns[col.name];
    if (col.name === spec.customAttributesColumn) {
      const obj: Record<string, unknown> = {};
      for (const [key, path] of Object.entries(input.customAttributes ?? {})) obj[key] = read(path);
      raw = obj;
    } else if (!src) {
      continue;
    } else if ('constant' in src) {
      raw = src.constant;
    } else if ('context' in src) {
      raw = input.context?.[src.context] ?? null;
    } else {
      const path = src.path;
      if (typeof path === 'string') raw = read(path);
      else {
        raw = null;
        for (const p of path) {
          raw = read(p);
          if (raw !== null && raw !== undefined) break;
        }
      }
      if (src.transform) raw = TRANSFORMS[src.transform](raw);
    }
    const c = coerce(col, raw);
    if (c.ok) row[col.name] = c.value;
    else problems.push({ column: col.name, message: `${col.name} (${originOf(src)}) ${c.problem}` });
  }
  return { row, problems, missing: missing.length > 1 ? [...new Set(missing)] : missing };
}

/** Where a failing value came from, for its message (named only then: nothing built per value). */
function originOf(src: ColumnSource | undefined): string {
  if (!src) return 'custom attributes';
  if ('constant' in src) return 'constant';
  if ('context' in src) return src.context;
  return `Oro ${typeof src.path === 'string' ? src.path : src.path.join(' / ')}`;
}

/**
 * Static check of a spec against its table: every required column without a server default has a
 * source, and every source names a real column. Used by tests and by custom-stream config checks.
 */
export function specProblems(spec: RecordSpec, supplied: readonly string[] = []): string[] {
  const out: string[] = [];
  const names = new Set(spec.table.columns.map((c) => c.name));
  for (const name of Object.keys(spec.columns)) {
    if (!names.has(name)) out.push(`${spec.table.name}.${name} is not a column of the table`);
  }
  for (const c of spec.table.columns) {
    if (c.nullable || c.identity || c.default || supplied.includes(c.name)) continue;
    if (!spec.columns[c.name] && c.name !== spec.customAttributesColumn) {
      out.push(`${spec.table.name}.${c.name} is required and has no source`);
    }
  }
  return out;
}
