/**
 * `stage()` on PostgreSQL when a batch needs several statements (two writes to one table; the
 * one-statement form is postgres-stage-one.ts): one transaction; per TableWrite one INSERT …
 * SELECT FROM unnest(…) (postgres-stage-sql.ts); `ON CONFLICT DO NOTHING RETURNING` tells
 * which parents were really inserted; their children follow in one more statement; then the
 * cursor and the resolved quarantine entries. All or nothing.
 */
import { physicalName, type StoreNames } from '../names.js';
import type { Row, StageBatch, StageResult } from '../store.js';
import type { TableDef } from '../tables.js';
import { childRowsOf, dedupeIndexes, writeColumns, type FixedColumn } from '../values.js';
import type { PgQueryable } from './postgres-driver.js';
import {
  columnLiteral,
  cursorUpsertSql,
  insertStatement,
  resolveQuarantineStatement,
} from './postgres-stage-sql.js';

/**
 * Inserts rows with one statement. `fixed` gives one column apart from the rows (the children's
 * foreign key), so the rows are not copied just to add it.
 */
async function insertRows(
  tx: PgQueryable,
  names: StoreNames,
  table: TableDef,
  rows: readonly Row[],
  conflictColumns: string[],
  returning: string[],
  fixed?: FixedColumn,
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const columns = writeColumns(table, rows);
  if (fixed && !columns.some((c) => c.name === fixed.column)) {
    const col = table.columns.find((c) => c.name === fixed.column);
    if (!col) throw new Error(`column ${fixed.column} is not a column of table ${table.name}`);
    columns.push(col);
  }
  const stmt = insertStatement(names, table, columns, conflictColumns, returning);
  const params = stmt.columns.map((c) => columnLiteral(c, rows, fixed));
  const res = await tx.query(stmt.text, params, stmt.name);
  return res.rows;
}

export async function stagePostgres(
  tx: PgQueryable,
  names: StoreNames,
  batch: StageBatch,
): Promise<StageResult> {
  const result: StageResult = { writes: [] };
  for (const w of batch.writes) {
    const children = w.children;
    const idColumn = w.table.columns.find((c) => c.identity)?.name;
    const returning = children && idColumn ? [idColumn, children.parentKey] : idColumn ? [idColumn] : [];
    const inserted = await insertRows(tx, names, w.table, w.rows, w.conflictColumns, returning);
    const count = returning.length > 0 ? inserted.length : w.rows.length;
    let childrenInserted = 0;
    if (children && idColumn) {
      const childRows: Row[] = [];
      const parentIds: string[] = [];
      for (const parent of inserted) {
        const rows = childRowsOf(children.rowsByParent, parent[children.parentKey]);
        const id = String(parent[idColumn]);
        for (const r of rows) {
          childRows.push(r);
          parentIds.push(id);
        }
      }
      // The parents were inserted by this very statement, so no child of theirs can exist yet:
      // the children need no ON CONFLICT (speculative insertion costs per row), only the
      // removal of duplicates within the batch itself.
      const fk = { column: children.foreignKey, values: parentIds };
      const keep = dedupeIndexes(children.table, childRows, children.conflictColumns, fk);
      const unique = keep.length === childRows.length ? childRows : keep.map((i) => childRows[i] as Row);
      const fixed =
        keep.length === childRows.length ? fk : { ...fk, values: keep.map((i) => parentIds[i] as string) };
      await insertRows(tx, names, children.table, unique, [], [], fixed);
      childrenInserted = unique.length;
    }
    result.writes.push({
      table: physicalName(names, w.table),
      inserted: count,
      skipped: w.rows.length - count,
      childrenInserted,
    });
  }
  if (batch.cursor !== undefined) {
    await tx.query(cursorUpsertSql(names, '$1', '$2'), [batch.job, batch.cursor]);
  }
  if (batch.resolved && batch.resolved.length > 0) {
    const r = resolveQuarantineStatement(names, batch.job, batch.resolved);
    await tx.query(r.text, r.params);
  }
  return result;
}
