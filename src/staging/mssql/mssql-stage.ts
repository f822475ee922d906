/** `stage()` on SQL Server: the same steps as postgres-stage.ts, in T-SQL chunks (mssql-stage-sql.ts). */
import { physicalName, type StoreNames } from '../names.js';
import type { Row, StageBatch, StageResult } from '../store.js';
import type { ColumnDef, TableDef } from '../tables.js';
import { childRowsOf, writeColumns } from '../values.js';
import type { MssqlExec } from './mssql-driver.js';
import { cursorUpsert, dedupe, insertStatements, resolveQuarantineStatements } from './mssql-stage-sql.js';

async function insert(
  tx: MssqlExec,
  names: StoreNames,
  table: TableDef,
  rows: readonly Row[],
  conflict: string[],
  returning: ColumnDef[],
): Promise<{ rows: Record<string, unknown>[]; affected: number }> {
  const unique = dedupe(table, rows, conflict);
  if (unique.length === 0) return { rows: [], affected: 0 };
  const out: Record<string, unknown>[] = [];
  let affected = 0;
  for (const stmt of insertStatements(
    names,
    table,
    writeColumns(table, unique),
    unique,
    conflict,
    returning,
  )) {
    const res = await tx.run(stmt);
    out.push(...res.rows);
    affected += res.rowsAffected;
  }
  return { rows: out, affected };
}

export async function stageMssql(tx: MssqlExec, names: StoreNames, batch: StageBatch): Promise<StageResult> {
  const result: StageResult = { writes: [] };
  for (const w of batch.writes) {
    const id = w.table.columns.find((c) => c.identity);
    const children = w.children;
    const parentKey = children ? w.table.columns.find((c) => c.name === children.parentKey) : undefined;
    const returning = id ? [id, ...(parentKey ? [parentKey] : [])] : [];
    const ins = await insert(tx, names, w.table, w.rows, w.conflictColumns, returning);
    const count = id ? ins.rows.length : ins.affected;
    let childrenInserted = 0;
    if (children && id) {
      const childRows: Row[] = [];
      for (const parent of ins.rows) {
        const rows = childRowsOf(children.rowsByParent, parent[children.parentKey]);
        for (const r of rows) childRows.push({ ...r, [children.foreignKey]: String(parent[id.name]) });
      }
      const childId = children.table.columns.find((c) => c.identity);
      const res = await insert(
        tx,
        names,
        children.table,
        childRows,
        children.conflictColumns,
        childId ? [childId] : [],
      );
      childrenInserted = childId ? res.rows.length : res.affected;
    }
    result.writes.push({
      table: physicalName(names, w.table),
      inserted: count,
      skipped: w.rows.length - count,
      childrenInserted,
    });
  }
  if (batch.cursor !== undefined) await tx.run(cursorUpsert(names, batch.job, batch.cursor));
  for (const stmt of resolveQuarantineStatements(names, batch.job, batch.resolved ?? [])) await tx.run(stmt);
  return result;
}
