/**
 * A push stream's key goes into SQL Server's UNIQUE (key…, payload_hash) index, where:
 * - a string(max) or json column cannot be a key column at all: `migrate` fails with Msg 1919
 *   ("… is of a type that is invalid for use as a key column in an index");
 * - the key may take at most 1,700 bytes in a nonclustered index: past it the index is created
 *   with a warning and inserts of long values fail with Msg 1946
 *   (learn.microsoft.com/sql/sql-server/maximum-capacity-specifications-for-sql-server, "Bytes
 *   per index key"; …/create-index-transact-sql, "Index key size").
 * Both are configuration errors (exit 78), found when the configuration is loaded, on every
 * dialect: the table definitions are portable and SQL Server is the production database.
 */
import type { ColumnType } from '../staging/tables.js';
import { parseSqlType } from './sql-types.js';

const INDEX_KEY_MAX_BYTES = 1700;
/** payload_hash char(64), the UNIQUE key's last column. */
const HASH_BYTES = 64;

/** Bytes a value of the type takes in an index key on SQL Server, or null when it cannot be one. */
function keyBytes(t: ColumnType): number | null {
  switch (t.kind) {
    case 'nvarchar':
      return t.length === 'max' ? null : 2 * t.length;
    case 'varchar':
    case 'char':
      return t.length;
    case 'json':
      return null;
    case 'decimal':
      // decimal storage (learn …/decimal-and-numeric-transact-sql): 5, 9, 13 or 17 bytes.
      return t.precision <= 9 ? 5 : t.precision <= 19 ? 9 : t.precision <= 28 ? 13 : 17;
    case 'int':
      return 4;
    case 'bigint':
      return 8;
    case 'boolean':
      return 1;
    case 'date':
      return 3;
    case 'timestamp':
      return 7;
  }
}

export function keyProblems(
  key: readonly unknown[],
  columns: Record<string, unknown>,
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  let total = HASH_BYTES;
  key.forEach((k, j) => {
    if (typeof k !== 'string' || !Object.hasOwn(columns, k)) return;
    const text = (columns[k] as { type?: unknown } | null)?.type;
    const type = typeof text === 'string' ? parseSqlType(text) : null;
    if (!type) return;
    const bytes = keyBytes(type);
    if (bytes === null) {
      out.push({
        path: [j],
        message: `key column "${k}" is ${String(text)}, which SQL Server cannot use in an index (Msg 1919); give it a length, e.g. string(255)`,
      });
    } else total += bytes;
  });
  if (out.length === 0 && total > INDEX_KEY_MAX_BYTES) {
    out.push({
      path: [],
      message: `the key takes up to ${total} bytes in SQL Server's UNIQUE index (with the 64-byte payload hash; string(n) counts 2n bytes), over its ${INDEX_KEY_MAX_BYTES}-byte limit, so long values would fail to insert (Msg 1946); shorten the key's string columns`,
    });
  }
  return out;
}
