/**
 * "Rights sufficient" for test-connection: every privilege the jobs need (contract guarantee 4:
 * INSERT/SELECT on direction-1 tables, SELECT/UPDATE on direction-2 tables, full rights on
 * sagesync's own tables) is exercised by a statement that touches no row, all inside one
 * transaction that is rolled back. Permissions are checked when a statement executes whatever the
 * row count, so a missing grant fails here exactly as it would in a job, and nothing is written.
 */
import type { StagingStore } from '../staging/store.js';
import { CONTRACT_TABLES, type TableDef } from '../staging/tables.js';

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

export interface RightsResult {
  ok: boolean;
  /** e.g. `INSERT on public.sagesync_order`. */
  missing: string[];
  checked: number;
}

function requiredPrivileges(table: TableDef): Privilege[] {
  if (table.name === 'schema_version') return ['SELECT'];
  if (table.direction === 1) return ['SELECT', 'INSERT'];
  if (table.direction === 2) return ['SELECT', 'UPDATE'];
  return ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
}

interface Attempt {
  what: string;
  /** A statement of the dialect that exercises the privilege and touches no row. */
  pg: string;
  mssql: string;
}

export function rightsAttempts(
  store: Pick<StagingStore, 'tableName'>,
  tables: readonly TableDef[] = CONTRACT_TABLES,
): Attempt[] {
  const out: Attempt[] = [];
  for (const t of tables) {
    const name = store.tableName(t);
    const col = t.columns.find((c) => !c.identity)?.name ?? t.columns[0]?.name ?? 'staging_id';
    for (const p of requiredPrivileges(t)) {
      const what = `${p} on ${name}`;
      switch (p) {
        case 'SELECT':
          out.push({
            what,
            pg: `PERFORM 1 FROM ${name} WHERE false`,
            mssql: `SELECT TOP 0 1 AS x FROM ${name}`,
          });
          break;
        case 'INSERT':
          out.push({
            what,
            pg: `INSERT INTO ${name} (${col}) SELECT ${col} FROM ${name} WHERE false`,
            mssql: `INSERT INTO ${name} (${col}) SELECT ${col} FROM ${name} WHERE 1 = 0`,
          });
          break;
        case 'UPDATE':
          out.push({
            what,
            pg: `UPDATE ${name} SET ${col} = ${col} WHERE false`,
            mssql: `UPDATE ${name} SET ${col} = ${col} WHERE 1 = 0`,
          });
          break;
        case 'DELETE':
          out.push({ what, pg: `DELETE FROM ${name} WHERE false`, mssql: `DELETE FROM ${name} WHERE 1 = 0` });
          break;
      }
    }
  }
  return out;
}

const MARK = 'sagesync-rights-check:';

/** One PL/pgSQL block; the final RAISE rolls everything back and carries the result. */
function rightsSqlPostgres(attempts: readonly Attempt[]): string {
  const body = attempts
    .map(
      (a) =>
        `  BEGIN ${a.pg}; EXCEPTION WHEN insufficient_privilege THEN missing := missing || ${lit(a.what)} || '|'; END;`,
    )
    .join('\n');
  return `DO $sagesync$\nDECLARE missing text := '';\nBEGIN\n${body}\n  RAISE EXCEPTION '${MARK}%', missing;\nEND\n$sagesync$`;
}

/** One T-SQL batch in a transaction that is always rolled back; returns the missing list. */
export function rightsSqlMssql(attempts: readonly Attempt[]): string {
  const body = attempts
    .map(
      (a) =>
        `BEGIN TRY ${a.mssql}; END TRY BEGIN CATCH SET @missing += ${lit(a.what, 'N')} + N'|'; END CATCH;`,
    )
    .join('\n');
  return [
    'SET NOCOUNT ON; SET XACT_ABORT OFF;',
    "DECLARE @missing nvarchar(max) = N'';",
    'BEGIN TRANSACTION;',
    body,
    'IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;',
    'SELECT @missing AS missing;',
  ].join('\n');
}

export async function checkRights(store: StagingStore): Promise<RightsResult> {
  const attempts = rightsAttempts(store);
  let raw: string;
  if (store.dialect === 'mssql') {
    const rows = await store.query(rightsSqlMssql(attempts));
    raw = String(rows[0]?.missing ?? '');
  } else {
    try {
      await store.query(rightsSqlPostgres(attempts));
      throw new Error('the rights check did not report its result');
    } catch (err) {
      const m = new RegExp(`${MARK}([^\\n]*)`).exec(err instanceof Error ? err.message : String(err));
      if (!m) throw err;
      raw = m[1] ?? '';
    }
  }
  const missing = raw.split('|').filter(Boolean);
  return { ok: missing.length === 0, missing, checked: attempts.length };
}

function lit(s: string, prefix = ''): string {
  return `${prefix}'${s.replace(/'/g, "''")}'`;
}
