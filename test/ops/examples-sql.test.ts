/** examples/sql grants the least-privilege role exactly what "sagesync migrate --print" grants. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grantsFor } from '../../src/staging/print-ddl.js';
import { CONTRACT_TABLES } from '../../src/staging/tables.js';

function grantsIn(file: string, role: string): Map<string, string[]> {
  const sql = readFileSync(new URL(`../../examples/sql/${file}`, import.meta.url), 'utf8').replace(
    /\n\s+/g,
    ' ',
  );
  const out = new Map<string, string[]>();
  const re = new RegExp(`^GRANT ([A-Z, ]+) ON ([^;]+?) TO ${role};`, 'gm');
  for (const m of sql.matchAll(re)) {
    for (const t of (m[2] ?? '').split(',')) {
      const table = t
        .trim()
        .replace(/^(dbo|public)\./, '')
        .replace(/^sagesync_/, '');
      out.set(
        table,
        (m[1] ?? '')
          .split(',')
          .map((p) => p.trim())
          .sort(),
      );
    }
  }
  return out;
}

describe('examples/sql', () => {
  for (const file of ['postgres/least-privilege.sql', 'mssql/least-privilege.sql']) {
    it(`${file} grants sagesync_app the rights of contract guarantee 4`, () => {
      const grants = grantsIn(file, 'sagesync_app');
      for (const t of CONTRACT_TABLES) {
        const expected = t.name === 'schema_version' ? ['SELECT'] : [...grantsFor(t)].sort();
        expect(grants.get(t.name), t.name).toEqual(expected);
      }
    });
  }
});
