/**
 * Query string handling as Oro does it (docs/oro.md; filters, paging, sorting, include and fields:
 * https://doc.oroinc.com/api/filters/): both filter syntaxes, lists, ranges, partial datetimes,
 * typed comparisons.
 */
import { ApiError } from './errors.js';
import type { FieldKind, ResourceDef } from './resources.js';
import type { Rec } from './store.js';

type Op = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'exists' | 'neq_or_null';

export interface ParsedQuery {
  filters: ((r: Rec) => boolean)[];
  /**
   * Filters that are a lower bound (`gt`/`gte` on an ordered field): field → filter. Over rows
   * sorted ascending by that field (nulls last) such a filter is false, then true, then false
   * again for the nulls, so the first matching row can be found by bisection (listAnswer) instead
   * of testing every row before it, as a database would use its index for a keyset query.
   */
  lowerBounds: Map<string, (r: Rec) => boolean>;
  sort: { field: string; desc: boolean }[];
  include: string[][];
  fields: Map<string, Set<string>>;
  pageNumber: number;
  /** -1: no paging. */
  pageSize: number;
  /** Raw parts of the query string without `page[number]`, carried into links (docs/oro.md). */
  carried: string[];
}

const SYMBOLS: [string, Op][] = [
  ['!=', 'neq'],
  ['<=', 'lte'],
  ['>=', 'gte'],
  ['!*', 'neq_or_null'],
  ['<>', 'neq'],
  ['=', 'eq'],
  ['<', 'lt'],
  ['>', 'gt'],
  ['*', 'exists'],
];
const NAMED = new Set(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'exists', 'neq_or_null']);

/** Splits a raw query string into decoded (key, operator, value) triples. */
function splitQuery(raw: string): { key: string; op: string; value: string; raw: string }[] {
  const out: { key: string; op: string; value: string; raw: string }[] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    let text: string;
    try {
      text = decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new ApiError(400, 'bad request http exception', 'The query string is not valid.');
    }
    const m = /^([^=!<>*]+(?:\[[^\]]*\])*)(!=|<=|>=|!\*|<>|=|<|>|\*)?(.*)$/s.exec(text);
    if (!m) continue;
    let value = m[3] ?? '';
    if (m[2] && m[2] !== '=' && !m[2].endsWith('=') && value.startsWith('=')) value = value.slice(1);
    out.push({ key: m[1]!, op: m[2] ?? '=', value, raw: part });
  }
  return out;
}

/** A stored record by type and id (for filters through a relationship, ResourceDef.via). */
export type RecordLookup = (type: string, id: string) => Rec | undefined;

export function parseQuery(raw: string, def: ResourceDef, lookup?: RecordLookup): ParsedQuery {
  const q: ParsedQuery = {
    filters: [],
    lowerBounds: new Map(),
    sort: [{ field: 'id', desc: false }],
    include: [],
    fields: new Map(),
    pageNumber: 1,
    pageSize: 10, // oro_api.default_page_size (docs/oro.md)
    carried: [],
  };
  for (const { key, op: symbol, value, raw: part } of splitQuery(raw)) {
    if (key !== 'page[number]') q.carried.push(part);
    const fm = /^filter\[([^\]]+)\](?:\[([a-z_]+)\])?$/.exec(key);
    if (fm) {
      const field = fm[1]!;
      let op = SYMBOLS.find(([s]) => s === symbol)?.[1] ?? 'eq';
      if (fm[2]) {
        if (!NAMED.has(fm[2]))
          throw new ApiError(400, 'filter constraint', `The operator "${fm[2]}" is not supported.`, {
            parameter: key,
          });
        op = fm[2] as Op;
      }
      const filter = compileFilter(def, field, op, value, key, lookup);
      q.filters.push(filter);
      // Only where the sort order is the filter's order: ids (numbers) and stored datetimes
      // (fixed-format text); money is sorted as text, so not there.
      const ordered = field === 'id' || def.filters[field] === 'datetime';
      if ((op === 'gt' || op === 'gte') && ordered && !value.includes('..') && !value.includes(',')) {
        q.lowerBounds.set(field, filter);
      }
    } else if (key === 'sort') {
      q.sort = value.split(',').map((s) => {
        const desc = s.startsWith('-');
        const field = desc ? s.slice(1) : s;
        if (!def.sorters.includes(field)) {
          throw new ApiError(400, 'sort constraint', `Sorting by "${field}" field is not supported.`, {
            parameter: 'sort',
          });
        }
        return { field, desc };
      });
    } else if (key === 'include') {
      q.include = value
        .split(',')
        .filter(Boolean)
        .map((p) => p.split('.'));
    } else if (/^fields\[[^\]]+\]$/.test(key)) {
      q.fields.set(key.slice(7, -1), new Set(value.split(',').filter(Boolean)));
    } else if (key === 'page[number]' || key === 'page[size]') {
      // Resources with paging disabled know no paging filters (oroinc/platform
      // src/Oro/Bundle/ApiBundle/Tests/Functional/RestJsonApiFiltersAndSorters/GetWithFiltersTest.php @6.1.0).
      if (def.noPaging)
        throw new ApiError(400, 'filter constraint', 'The filter is not supported.', { parameter: key });
      const n = Number(value);
      const ok = Number.isInteger(n) && (key === 'page[size]' ? n > 0 || n === -1 : n > 0);
      if (!ok)
        throw new ApiError(400, 'value constraint', 'Expected a positive integer value.', { parameter: key });
      if (key === 'page[number]') q.pageNumber = n;
      else q.pageSize = n;
    }
  }
  if (def.noPaging) q.pageSize = -1;
  return q;
}

type Getter = (r: Rec) => unknown;

function compileFilter(
  def: ResourceDef,
  field: string,
  op: Op,
  value: string,
  param: string,
  lookup: RecordLookup | undefined,
): (r: Rec) => boolean {
  let kind: FieldKind | 'rel';
  let get: Getter;
  const via = def.via?.[field];
  if (via && lookup) {
    return viaFilter(via, op, value, param, lookup);
  } else if (field === 'id' && def.stringIds) {
    // String ids take no lists: `a,b` is one literal value (filter_disallow_array_data_types,
    // oroinc/platform src/Oro/Bundle/ApiBundle/Resources/config/oro/app.yml @6.1.0).
    kind = 'text';
    get = (r) => r.id;
  } else if (field === 'id') {
    kind = 'id';
    get = (r) => r.num;
  } else if (def.relationships[field]) {
    kind = 'rel';
    get = (r) => r.relationships[field];
  } else if (def.filters[field]) {
    kind = def.filters[field];
    // `addressType` filters on the `types` array (docs/oro.md).
    const attr = kind === 'addressType' ? 'types' : field;
    get = (r) => r.attributes[attr];
  } else {
    throw new ApiError(400, 'filter constraint', 'The filter is not supported.', { parameter: param });
  }
  if (op === 'exists' || op === 'neq_or_null') {
    if (op === 'exists') {
      const want = parseBool(value, param);
      return (r) => present(get(r)) === want;
    }
  }
  const bad = (what: string): never => {
    throw new ApiError(400, 'unexpected value exception', `Expected ${what} value. Given "${value}".`, {
      parameter: param,
    });
  };
  const arrayString = kind === 'string' && def.arrayStrings?.includes(field);
  const ranged = kind !== 'string' && kind !== 'boolean' && kind !== 'text';
  // Lists and ranges (docs/oro.md): not for strings unless allow_array, ranges not for booleans.
  const range = ranged && kind !== 'rel' && value.includes('..') ? value.split('..') : null;
  const list = range ? [value] : ranged || arrayString ? value.split(',') : [value];
  let test: (v: unknown) => boolean;
  if (kind === 'id' || kind === 'integer' || kind === 'money') {
    const nums = (range ?? list).map((s) =>
      /^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : bad(kind === 'money' ? 'decimal' : 'integer'),
    );
    test = numericTest(op, nums, !!range);
  } else if (kind === 'datetime') {
    const periods = (range ?? list).map((s) => period(s.replace(/ /g, '+')) ?? bad('datetime'));
    test = dateTest(op, periods, !!range);
  } else if (kind === 'boolean') {
    const b = parseBool(value, param);
    test = (v) => v === b;
  } else if (kind === 'addressType') {
    test = (v) =>
      Array.isArray(v) && v.some((t: { addressType?: string }) => list.includes(t.addressType ?? ''));
  } else if (kind === 'rel') {
    const ids = new Set(list);
    test = (v) => {
      if (Array.isArray(v)) return v.some((x: { id: string }) => ids.has(x.id)); // to-many: contains any
      return v !== null && v !== undefined && ids.has((v as { id: string }).id);
    };
  } else if (kind === 'text') {
    test = (v) => v === value;
  } else {
    const fold = arrayString ? (s: string) => s.toLowerCase() : (s: string) => s;
    const set = new Set(list.map(fold));
    test = (v) => typeof v === 'string' && set.has(fold(v));
  }
  if (op === 'neq' || op === 'neq_or_null') {
    const orNull = op === 'neq_or_null';
    return (r) => {
      const v = get(r);
      if (!present(v)) return orNull;
      return !test(v);
    };
  }
  if (
    kind === 'rel' ||
    kind === 'boolean' ||
    kind === 'string' ||
    kind === 'text' ||
    kind === 'addressType'
  ) {
    if (op !== 'eq')
      throw new ApiError(400, 'filter constraint', `The operator "${op}" is not supported for the field.`, {
        parameter: param,
      });
  }
  return (r) => {
    const v = get(r);
    return v !== null && v !== undefined && test(v);
  };
}

/**
 * A filter through a relationship (ResourceDef.via): the ids of `rel` on the records `through`
 * points at. Integer ids, lists allowed, `=` (any of them) and `!=` (none of them) only.
 */
function viaFilter(
  via: { through: string; rel: string },
  op: Op,
  value: string,
  param: string,
  lookup: RecordLookup,
): (r: Rec) => boolean {
  if (op !== 'eq' && op !== 'neq')
    throw new ApiError(400, 'filter constraint', `The operator "${op}" is not supported for the field.`, {
      parameter: param,
    });
  const ids = value.split(',');
  for (const id of ids) {
    if (!/^\d+$/.test(id.trim()))
      throw new ApiError(400, 'unexpected value exception', `Expected integer value. Given "${value}".`, {
        parameter: param,
      });
  }
  const wanted = new Set(ids.map((id) => id.trim()));
  const related = (r: Rec): string[] => {
    const refs = r.relationships[via.through];
    const list = Array.isArray(refs) ? refs : refs ? [refs] : [];
    const out: string[] = [];
    for (const ref of list) {
      const target = lookup(ref.type, ref.id)?.relationships[via.rel];
      if (target && !Array.isArray(target)) out.push(target.id);
    }
    return out;
  };
  return op === 'eq'
    ? (r) => related(r).some((id) => wanted.has(id))
    : (r) => !related(r).some((id) => wanted.has(id));
}

function present(v: unknown): boolean {
  return v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);
}

function parseBool(value: string, param: string): boolean {
  const v = value.toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ApiError(400, 'unexpected value exception', `Expected boolean value. Given "${value}".`, {
    parameter: param,
  });
}

function numericTest(op: Op, nums: number[], range: boolean): (v: unknown) => boolean {
  const n = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
  if (range) return (v) => n(v) >= nums[0]! && n(v) <= nums[1]!;
  const x = nums[0]!;
  switch (op) {
    case 'lt':
      return (v) => n(v) < x;
    case 'lte':
      return (v) => n(v) <= x;
    case 'gt':
      return (v) => n(v) > x;
    case 'gte':
      return (v) => n(v) >= x;
    default:
      return (v) => nums.includes(n(v));
  }
}

/** Stored datetimes are `YYYY-MM-DDThh:mm:ssZ`, so string comparison is time order. */
function dateTest(op: Op, periods: [string, string][], range: boolean): (v: unknown) => boolean {
  if (range) return (v) => String(v) >= periods[0]![0] && String(v) < periods[1]![1];
  const [start] = periods[0]!;
  switch (op) {
    case 'lt':
      return (v) => String(v) < start;
    case 'lte':
      return (v) => String(v) <= start;
    case 'gt':
      return (v) => String(v) > start;
    case 'gte':
      return (v) => String(v) >= start;
    default:
      // With = a partial value means its whole period (docs/oro.md).
      return (v) => periods.some(([s, e]) => String(v) >= s && String(v) < e);
  }
}

/**
 * `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `…Thh`, `…Thh:mm`, `…Thh:mm:ss`, optional `Z`/`±hh:mm`, no
 * zone = UTC (docs/oro.md) → [start, end) as stored-format strings.
 */
function period(text: string): [string, string] | null {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d{1,2})?)?)?)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
      text.trim(),
    );
  if (!m) return null;
  const parts = [m[1], m[2], m[3], m[4], m[5], m[6]];
  const depth = parts.findIndex((p) => p === undefined);
  const used = depth === -1 ? 6 : depth;
  const nums = parts.map((p, i) => (p === undefined ? (i === 1 || i === 2 ? 1 : 0) : Number(p)));
  let offset = 0;
  if (m[7] && m[7] !== 'Z')
    offset =
      (m[7].startsWith('-') ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4, 6))) * 60_000;
  const startMs = Date.UTC(nums[0]!, nums[1]! - 1, nums[2], nums[3], nums[4], nums[5]) - offset;
  const end = new Date(startMs);
  if (used === 1) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (used === 2) end.setUTCMonth(end.getUTCMonth() + 1);
  else end.setTime(startMs + [0, 0, 0, 86_400_000, 3_600_000, 60_000, 1000][used]!);
  if (Number.isNaN(startMs)) return null;
  const fmt = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [fmt(startMs), fmt(end.getTime())];
}

/** Comparator for `sort` (nulls last ascending, as PostgreSQL does). */
export function comparator(sort: { field: string; desc: boolean }[]): (a: Rec, b: Rec) => number {
  const keys = sort.map(({ field, desc }) => ({
    get: field === 'id' ? (r: Rec) => (Number.isNaN(r.num) ? r.id : r.num) : (r: Rec) => r.attributes[field],
    sign: desc ? -1 : 1,
  }));
  return (a, b) => {
    for (const { get, sign } of keys) {
      const x = get(a) as string | number | null;
      const y = get(b) as string | number | null;
      if (x === y) continue;
      if (x === null || x === undefined) return sign;
      if (y === null || y === undefined) return -sign;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  };
}

/**
 * The first index of `rows` (sorted ascending by `field`, nulls last) where `bound` holds, for a
 * lower-bound filter (see ParsedQuery.lowerBounds); rows before it cannot match the query.
 */
export function firstAtOrAbove(rows: readonly Rec[], field: string, bound: (r: Rec) => boolean): number {
  const value = (r: Rec): unknown => (field === 'id' ? r.num : r.attributes[field]);
  const search = (hi: number, holds: (r: Rec) => boolean): number => {
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (holds(rows[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const firstNull = search(rows.length, (r) => value(r) === null || value(r) === undefined);
  return search(firstNull, bound);
}
