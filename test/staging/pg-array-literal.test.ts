/**
 * The `text[]` literal the PostgreSQL stage sends (src/staging/postgres/postgres-stage.ts) is the
 * text node-postgres itself would build from the same JS array, and PostgreSQL (PGlite here)
 * reads every tricky value back unchanged (STYLE.md tricky-input set).
 */
import { createRequire } from 'node:module';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textArrayLiteral } from '../../src/staging/postgres/postgres-stage-sql.js';

// node-postgres's own parameter preparation (what it sends for a JS array parameter).
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue: (v: unknown) => unknown;
};

const TRICKY: (string | null)[] = [
  'plain',
  '',
  ' padded ',
  null,
  'NULL',
  'null',
  `PO "quoted" 'single'; DROP TABLE x; --`,
  'back\\slash \\" both',
  '{braces},commas,',
  'ü 🚀 中文',
  'line\nbreak\ttab',
  '\\',
  '"',
  '1234.5678',
];

describe('textArrayLiteral', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it('is the text node-postgres builds from the same array', () => {
    expect(textArrayLiteral(TRICKY)).toBe(prepareValue(TRICKY));
    expect(textArrayLiteral([])).toBe(prepareValue([]));
    // Without NULL or anything to escape the literal is built by a join: the same text.
    const plain = ['plain', '', ' padded ', 'NULL', 'ü 🚀 中文', '{braces},commas,', 'line\nbreak'];
    expect(textArrayLiteral(plain)).toBe(prepareValue(plain));
    expect(textArrayLiteral(['one'])).toBe(prepareValue(['one']));
  });

  it('reads back every value unchanged, in order', async () => {
    const res = await db.query<{ v: string | null; n: number }>(
      'SELECT u.v, u.n::int AS n FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY u.n',
      [textArrayLiteral(TRICKY)],
    );
    expect(res.rows.map((r) => r.v)).toEqual(TRICKY);
  });

  it('gives an empty array for no values', async () => {
    const res = await db.query<{ n: number }>('SELECT cardinality($1::text[]) AS n', [textArrayLiteral([])]);
    expect(res.rows[0]?.n).toBe(0);
  });
});
