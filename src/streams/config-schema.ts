/**
 * The `streams` section of the configuration (docs/streams.md): custom data streams declared by
 * configuration alone. Shapes are checked by zod like every other key; what needs several keys at
 * once (a key column that is not a column, two streams on one table, a table of the contract) is
 * checked in `streamProblems`, so every problem is reported at once with its key path
 * (`streams[0].columns.sku.source`).
 */
import { z } from 'zod';
import { CONTRACT_TABLES } from '../staging/tables.js';
import { keyProblems } from './key-size.js';
import { parseSqlType, SQL_TYPE_FORMS } from './sql-types.js';

const ident = /^[a-z][a-z0-9_]*$/;
/** Columns every stream table gets (src/streams/tables.ts); a configured column may not take them. */
const BOOKKEEPING_COLUMNS = [
  'staging_id',
  'payload_hash',
  'status',
  'erp_message',
  'sync_message',
  'staged_at',
  'created_at',
  'processed_at',
];

/** `sku`, `product` (a relationship's id), `primaryUnitPrecision.precision` (of an included resource). */
const SOURCE_PATH = /^(?:id|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)$/;
const SOURCE_FORMS =
  'expected an Oro attribute (sku), a relationship (its id: inventory_status), or relationship.attribute of an included resource (primaryUnitPrecision.precision)';

/**
 * Names every JavaScript object has (`constructor`, `toString`, `valueOf`, …): as a stream's name,
 * an attribute or a resource they would read the object's own function instead of a value, so
 * they are refused where a name is given (issue 18, point 18).
 */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

function notPrototypeName<T extends z.ZodType<string>>(schema: T): T {
  return schema.refine((s) => !s.split('.').some((part) => PROTOTYPE_NAMES.has(part)), {
    error: (iss) =>
      `"${String(iss.input)}" is a name every JavaScript object has (constructor, toString, valueOf, …); sagesync cannot use it here`,
  });
}

const sqlType = z
  .string()
  .refine((s) => parseSqlType(s) !== null, { message: `expected one of ${SQL_TYPE_FORMS}` });

const columnName = z.string().regex(ident, 'expected a lower-case unquoted identifier such as unit_price');

const tableName = z
  .string()
  .regex(ident, 'expected a lower-case unquoted identifier such as product (the prefix is added)')
  .max(40, 'expected at most 40 characters (the prefix is added; PostgreSQL names hold 63)');

const streamName = notPrototypeName(
  z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'expected lower-case letters, digits and hyphens, such as products')
    .max(60, 'expected at most 60 characters'),
);

const attributeName = notPrototypeName(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an Oro attribute name'),
);

const pushColumn = z.strictObject({
  /** Path into the Oro resource. */
  source: notPrototypeName(z.string().regex(SOURCE_PATH, SOURCE_FORMS)),
  type: sqlType,
  /** NOT NULL: a record without a value is quarantined. Key columns are always required. */
  required: z.boolean().default(false),
});

const pullColumn = z.strictObject({
  type: sqlType,
  required: z.boolean().default(false),
});

const oroResource = notPrototypeName(
  z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected an Oro JSON:API resource type such as products'),
);

export function buildStreamsSchema<F extends z.ZodType>(filterSchema: F) {
  const push = z.strictObject({
    name: streamName,
    direction: z.literal('push'),
    /**
     * Oro JSON:API type, e.g. `products`; in the incremental mode it must be filterable and
     * sortable by `updatedAt`.
     */
    resource: oroResource,
    /**
     * `incremental` reads what changed since the last run (by `updatedAt`); `full` reads the whole
     * resource by id every `everyMinutes`, for resources Oro cannot filter by `updatedAt`
     * (customer users, addresses), and stages only rows whose hash changed.
     */
    mode: z.enum(['incremental', 'full']).default('incremental'),
    /** `mode: full`: minutes from the start of one whole read to the start of the next. */
    everyMinutes: z.number().int().min(1).max(525_600).optional(),
    /** Declarative filter, the language of `orders.criteria`: a record that fails it is not staged. */
    filter: filterSchema.optional(),
    include: z
      .array(notPrototypeName(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a relationship name')))
      .default([]),
    table: tableName,
    key: z.array(columnName).min(1, 'expected at least one key column'),
    columns: z
      .record(columnName, pushColumn)
      .refine((c) => Object.keys(c).length > 0, { message: 'expected at least one column' }),
    /** Records per staging transaction. */
    batchSize: z.number().int().min(1).max(1000).default(100),
  });
  const pull = z.strictObject({
    name: streamName,
    direction: z.literal('pull'),
    resource: oroResource,
    table: tableName,
    columns: z
      .record(columnName, pullColumn)
      .refine((c) => Object.keys(c).length > 0, { message: 'expected at least one column' }),
    /** How a row finds its Oro resource: its id in `column`, or the resource whose `attribute` equals it. */
    match: z.strictObject({
      column: columnName,
      attribute: attributeName.optional(),
    }),
    /** Oro attribute → column whose value it is set to. */
    set: z
      .record(attributeName, columnName)
      .refine((s) => Object.keys(s).length > 0, { message: 'expected at least one attribute to set' }),
  });
  const stream = z.discriminatedUnion('direction', [push, pull], {
    error: 'expected direction: push (Oro to X3) or direction: pull (X3 to Oro)',
  });
  return z
    .array(stream)
    .superRefine(
      (streams, ctx) => {
        for (const p of streamProblems(streams)) {
          ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
        }
      },
      // Also when a stream has shape problems: every problem is reported at once.
      { when: (payload) => Array.isArray(payload.value) },
    )
    .default([]);
}

/** What the cross-key checks read; the shapes may still be invalid here (zod reports those). */
interface LooseStream {
  name?: unknown;
  direction?: unknown;
  table?: unknown;
  include?: unknown;
  mode?: unknown;
  everyMinutes?: unknown;
  key?: unknown;
  columns?: unknown;
  match?: { column?: unknown };
  set?: unknown;
}

function streamProblems(streams: readonly LooseStream[]): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const contract = new Set(CONTRACT_TABLES.map((t) => t.name));
  const tables = new Map<string, number>();
  const names = new Map<string, number>();
  streams.forEach((s, i) => {
    if (!s || typeof s !== 'object') return;
    if (typeof s.name === 'string') {
      const first = names.get(s.name);
      if (first !== undefined)
        out.push({ path: [i, 'name'], message: `stream name "${s.name}" is used by streams[${first}] too` });
      else names.set(s.name, i);
    }
    if (typeof s.table === 'string') {
      if (contract.has(s.table)) {
        out.push({
          path: [i, 'table'],
          message: `"${s.table}" is a table of the staging contract; choose another name`,
        });
      }
      const first = tables.get(s.table);
      if (first !== undefined)
        out.push({ path: [i, 'table'], message: `table "${s.table}" is declared by streams[${first}] too` });
      else tables.set(s.table, i);
    }
    const columns = s.columns && typeof s.columns === 'object' ? (s.columns as Record<string, unknown>) : {};
    const has = (c: unknown): boolean => typeof c === 'string' && Object.hasOwn(columns, c);
    for (const c of Object.keys(columns)) {
      if (BOOKKEEPING_COLUMNS.includes(c))
        out.push({
          path: [i, 'columns', c],
          message: `"${c}" is a bookkeeping column every stream table has; rename it`,
        });
    }
    if (Array.isArray(s.key)) {
      s.key.forEach((k, j) => {
        if (!has(k))
          out.push({ path: [i, 'key', j], message: `key column "${String(k)}" is not among the columns` });
      });
    }
    if (s.direction === 'push' && Array.isArray(s.key)) {
      for (const p of keyProblems(s.key, columns))
        out.push({ path: [i, 'key', ...p.path], message: p.message });
    }
    if (s.direction === 'push' && s.everyMinutes !== undefined && s.mode !== 'full') {
      out.push({
        path: [i, 'everyMinutes'],
        message: 'everyMinutes applies to mode: full only; remove it or set mode: full',
      });
    }
    if (s.direction === 'push') {
      const include = Array.isArray(s.include) ? s.include : [];
      for (const [c, def] of Object.entries(columns)) {
        const source = (def as { source?: unknown } | null)?.source;
        if (typeof source !== 'string' || !source.includes('.') || !SOURCE_PATH.test(source)) continue;
        const rel = source.split('.')[0] as string;
        if (!include.includes(rel)) {
          out.push({
            path: [i, 'columns', c, 'source'],
            message: `"${source}" reads an attribute of the related "${rel}", which is not in include: add it there`,
          });
        }
      }
    }
    if (s.direction === 'pull') {
      if (
        s.match &&
        typeof s.match === 'object' &&
        typeof s.match.column === 'string' &&
        !has(s.match.column)
      )
        out.push({ path: [i, 'match', 'column'], message: `"${s.match.column}" is not among the columns` });
      if (s.set && typeof s.set === 'object') {
        for (const [attr, c] of Object.entries(s.set as Record<string, unknown>)) {
          if (!has(c))
            out.push({ path: [i, 'set', attr], message: `"${String(c)}" is not among the columns` });
        }
      }
    }
  });
  return out;
}

/**
 * Longest name each database keeps: PostgreSQL (and PGlite) 63 bytes, truncating longer ones
 * silently, so two columns sharing their first 63 bytes become one and migrate fails
 * (https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS);
 * SQL Server 128 characters
 * (https://learn.microsoft.com/en-us/sql/relational-databases/databases/database-identifiers).
 */
const IDENTIFIER_LIMIT = {
  postgres: { bytes: 63, database: 'PostgreSQL' },
  embedded: { bytes: 63, database: 'the embedded database (PostgreSQL)' },
  mssql: { bytes: 128, database: 'SQL Server' },
} as const;

/** Column names longer than the configured database keeps (issue 18, point 18). */
export function identifierLimitProblems(
  streams: unknown,
  dialect: unknown,
): { path: (string | number)[]; message: string }[] {
  const limit = IDENTIFIER_LIMIT[dialect as keyof typeof IDENTIFIER_LIMIT] ?? IDENTIFIER_LIMIT.mssql;
  if (!Array.isArray(streams)) return [];
  const out: { path: (string | number)[]; message: string }[] = [];
  streams.forEach((s: unknown, i) => {
    const columns = (s as { columns?: unknown } | null)?.columns;
    if (!columns || typeof columns !== 'object') return;
    for (const name of Object.keys(columns)) {
      const bytes = Buffer.byteLength(name, 'utf8');
      if (bytes <= limit.bytes) continue;
      out.push({
        path: [i, 'columns', name],
        message: `the column name is ${bytes} bytes long and ${limit.database} keeps at most ${limit.bytes}; shorten it`,
      });
    }
  });
  return out;
}
