/**
 * A whole `stage()` batch as ONE statement on PostgreSQL: every write, its children, the cursor
 * and the resolved quarantine entries are data-modifying CTEs of a single INSERT … statement
 * (PostgreSQL docs 7.8.4 "Data-Modifying Statements in WITH": all of them run, in one snapshot,
 * exactly once, whether referenced or not). A statement is atomic on its own, so the batch is
 * still all or nothing, and it costs one round trip instead of BEGIN, one per table, the cursor
 * and COMMIT. The children join the parents' RETURNING rows on the parent key, so only children
 * of parents this statement inserted are written (a parent skipped by ON CONFLICT keeps its
 * lines as they were); their foreign-key check runs at the end of the statement, after the parents.
 *
 * Only for batches whose writes go to distinct tables (CTEs do not see each other's rows, so two
 * writes to one table must stay two statements: postgres-stage.ts does those).
 */
import { createHash } from 'node:crypto';
import { physicalName, type StoreNames } from '../names.js';
import type { Row, StageBatch, StageResult } from '../store.js';
import { dedupeIndexes, writeColumns } from '../values.js';
import { columnType, q, qualified } from './postgres-sql.js';
import {
  columnLiteral,
  cursorUpsertSql,
  resolveQuarantineSql,
  textArrayLiteral,
  unnestInsertSql,
} from './postgres-stage-sql.js';

export interface OneStatement {
  text: string;
  name: string;
  params: string[];
  /** Reads the counts row the statement returns. */
  result(row: Record<string, unknown>): StageResult;
}

/** Null when the batch needs several statements (two writes to one table) or writes nothing. */
export function oneStatement(names: StoreNames, batch: StageBatch): OneStatement | null {
  const tables = batch.writes.map((w) => w.table.name);
  if (new Set(tables).size !== tables.length) return null;
  const params: string[] = [];
  const ctes: string[] = [];
  const counts: string[] = [];
  const param = (value: string, cast: string): string => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const plan: { table: string; rows: number; parent: string | null; children: string | null }[] = [];
  batch.writes.forEach((w, i) => {
    if (w.rows.length === 0) {
      plan.push({ table: physicalName(names, w.table), rows: 0, parent: null, children: null });
      return;
    }
    const parent = `w${i}`;
    const children = w.children;
    const idColumn = w.table.columns.find((c) => c.identity)?.name;
    const returning = children && idColumn ? [idColumn, children.parentKey] : ['1'];
    const columns = writeColumns(w.table, w.rows);
    const arrays = columns.map((c) => param(columnLiteral(c, w.rows, undefined), 'text[]'));
    let text = unnestInsertSql(names, w.table, columns, arrays);
    if (w.conflictColumns.length > 0)
      text += ` ON CONFLICT (${w.conflictColumns.map(q).join(', ')}) DO NOTHING`;
    ctes.push(`${parent} AS (${text} RETURNING ${returning.map((r) => (r === '1' ? r : q(r))).join(', ')})`);
    counts.push(`(SELECT count(*) FROM ${parent}) AS ${parent}`);
    let childCte: string | null = null;
    if (children && idColumn) {
      // Children with their parent's key (as text): joined below to the parents really inserted.
      const rows: Row[] = [];
      const keys: string[] = [];
      for (const [key, list] of children.rowsByParent) {
        for (const r of list) {
          rows.push(r);
          keys.push(String(key));
        }
      }
      // Duplicates within the batch: the parent key stands for the foreign key it will get.
      const byKey = { column: children.foreignKey, values: keys };
      const keep = dedupeIndexes(children.table, rows, children.conflictColumns, byKey);
      const unique = keep.map((k) => rows[k] as Row);
      if (unique.length > 0) {
        const own = writeColumns(children.table, unique).filter((c) => c.name !== children.foreignKey);
        const fk = children.table.columns.find((c) => c.name === children.foreignKey);
        if (!fk)
          throw new Error(`column ${children.foreignKey} is not a column of table ${children.table.name}`);
        const aliases = own.map((_, k) => `c${k}`);
        const arrays = own.map((c) => param(columnLiteral(c, unique, undefined), 'text[]'));
        const parentKeys = param(textArrayLiteral(keep.map((k) => keys[k] as string)), 'text[]');
        childCte = `${parent}c`;
        ctes.push(
          `${childCte} AS (INSERT INTO ${qualified(names, children.table)} ` +
            `(${[...own, fk].map((c) => q(c.name)).join(', ')}) ` +
            `SELECT ${own.map((c, k) => `u.${aliases[k]}::${columnType(c.type)}`).join(', ')}, p.${q(idColumn)} ` +
            `FROM unnest(${[...arrays, parentKeys].join(', ')}) AS u(${[...aliases, 'parent_key'].join(', ')}) ` +
            `JOIN ${parent} AS p ON p.${q(children.parentKey)}::text = u.parent_key RETURNING 1)`,
        );
        counts.push(`(SELECT count(*) FROM ${childCte}) AS ${childCte}`);
      }
    }
    plan.push({ table: physicalName(names, w.table), rows: w.rows.length, parent, children: childCte });
  });
  if (batch.cursor !== undefined) {
    const sql = cursorUpsertSql(names, param(batch.job, 'text'), param(batch.cursor, 'text'));
    ctes.push(`cur AS (${sql} RETURNING 1)`);
  }
  if (batch.resolved && batch.resolved.length > 0) {
    const job = param(batch.job, 'text');
    const entities = param(textArrayLiteral(batch.resolved.map((e) => e.entity)), 'text[]');
    const ids = param(textArrayLiteral(batch.resolved.map((e) => e.entityId)), 'text[]');
    ctes.push(`res AS (${resolveQuarantineSql(names, job, entities, ids)} RETURNING 1)`);
  }
  if (ctes.length === 0) return null;
  const text = `WITH ${ctes.join(',\n')}\nSELECT ${counts.length > 0 ? counts.join(', ') : '0 AS none'}`;
  const name = `sgs_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  return {
    text,
    name,
    params,
    result(row) {
      const n = (k: string | null): number => (k === null ? 0 : Number(row[k] ?? 0));
      return {
        writes: plan.map((p) => {
          const inserted = n(p.parent);
          return { table: p.table, inserted, skipped: p.rows - inserted, childrenInserted: n(p.children) };
        }),
      };
    },
  };
}
