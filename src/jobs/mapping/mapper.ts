/**
 * The one generic mapper: a declarative RecordSpec (column → source) evaluated against an Oro
 * resource gives a contract row, validated against the table definition (src/staging/tables.ts).
 * Orders, order lines and customers are specs; custom streams (a later issue) build specs from
 * configuration and call the same function, so there is no second code path.
 */
import type { JsonApiResource } from '../../oro/types.js';
import type { Row } from '../../staging/store.js';
import type { ColumnDef, TableDef } from '../../staging/tables.js';
import { MissingResource, resolveValue, type ResourceLookup } from './paths.js';
import { coerceValue, Rejected, type CellValue } from './values.js';

/** Named value transforms; everything else is coerced by the column type. */
const TRANSFORMS = {
  /** Oro region ids combine country and code (`US-NY`); X3 wants the code (`NY`). */
  regionCode: (v: unknown): unknown => (typeof v === 'string' && /^[A-Z]{2}-./.test(v) ? v.slice(3) : v),
  /** `true`/`false` as text. */
  text: (v: unknown): unknown => (typeof v === 'boolean' ? String(v) : v),
} as const;
type TransformName = keyof typeof TRANSFORMS;

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

interface Problem {
  column: string;
  message: string;
}

export interface MapResult {
  row: Row;
  problems: Problem[];
  /** Related resources a path needed but that were not read (`type:id`): read them, map again. */
  missing: string[];
}

/** A spec prepared once: columns in table order, paths split, transforms looked up. */
interface CompiledColumn {
  col: ColumnDef;
  src: ColumnSource | undefined;
  /** 0 custom attributes, 1 constant, 2 context, 3 path(s). */
  kind: 0 | 1 | 2 | 3;
  paths: readonly string[];
  transform: ((v: unknown) => unknown) | undefined;
}

const COMPILED = new WeakMap<RecordSpec, CompiledColumn[]>();

function compile(spec: RecordSpec): CompiledColumn[] {
  let out = COMPILED.get(spec);
  if (out) return out;
  out = [];
  for (const col of spec.table.columns) {
    if (col.name === spec.customAttributesColumn) {
      out.push({ col, src: undefined, kind: 0, paths: [], transform: undefined });
      continue;
    }
    const src = spec.columns[col.name];
    if (!src) continue;
    if ('constant' in src) out.push({ col, src, kind: 1, paths: [], transform: undefined });
    else if ('context' in src) out.push({ col, src, kind: 2, paths: [], transform: undefined });
    else {
      const paths = typeof src.path === 'string' ? [src.path] : src.path;
      const transform = src.transform ? TRANSFORMS[src.transform] : undefined;
      out.push({ col, src, kind: 3, paths, transform });
    }
  }
  COMPILED.set(spec, out);
  return out;
}

/**
 * Evaluates a spec against a resource. Called for every order, line and customer: the spec is
 * compiled once (above) and a value is only wrapped in an object when it is rejected.
 */
export function mapRecord(spec: RecordSpec, input: MapInput): MapResult {
  const row: Row = {};
  let problems: Problem[] | undefined;
  let missing: string[] | undefined;
  // Consecutive columns read through the same relationship (`billingAddress.city`, `.street`…):
  // one lookup for the run of them. The resources at hand do not change during one call.
  let lastType: string | undefined;
  let lastId: string | undefined;
  let lastFound: JsonApiResource | null | undefined;
  const lookup: ResourceLookup = (type, id) => {
    if (type !== lastType || id !== lastId) {
      lastFound = input.lookup(type, id);
      lastType = type;
      lastId = id;
    }
    return lastFound;
  };
  const read = (path: string): unknown => {
    const v = resolveValue(input.root, path, lookup);
    if (!(v instanceof MissingResource)) return v;
    (missing ??= []).push(v.missing.replace(' ', ':'));
    return null;
  };
  for (const c of compile(spec)) {
    let raw: unknown;
    if (c.kind === 3) {
      raw = null;
      for (const p of c.paths) {
        raw = read(p);
        if (raw !== null && raw !== undefined) break;
      }
      if (c.transform) raw = c.transform(raw);
    } else if (c.kind === 2) {
      raw = input.context?.[(c.src as { context: string }).context] ?? null;
    } else if (c.kind === 1) {
      raw = (c.src as { constant: CellValue }).constant;
    } else {
      const obj: Record<string, unknown> = {};
      const attrs = input.customAttributes;
      if (attrs) for (const key of Object.keys(attrs)) obj[key] = read(attrs[key] as string);
      raw = obj;
    }
    const v = coerceValue(c.col, raw);
    if (v instanceof Rejected) {
      (problems ??= []).push({
        column: c.col.name,
        message: `${c.col.name} (${originOf(c.src)}) ${v.problem}`,
      });
    } else row[c.col.name] = v;
  }
  return {
    row,
    problems: problems ?? [],
    missing: missing === undefined ? [] : missing.length > 1 ? [...new Set(missing)] : missing,
  };
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
