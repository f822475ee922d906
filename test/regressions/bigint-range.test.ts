// @module-tag hostile
/**
 * Regression (issue 17, doubts): a bigint value beyond ±9223372036854775807 reached SQL Server as
 * text and failed the whole batch in its CAST (Msg 8115, arithmetic overflow). It is now refused
 * for that record with a clear message, like any other value that does not fit its column.
 */
import { describe, expect, it } from 'vitest';
import { coerceValue, Rejected } from '../../src/jobs/mapping/values.js';
import type { ColumnDef } from '../../src/staging/tables.js';

const col: ColumnDef = { name: 'erp_ref', type: { kind: 'bigint' }, nullable: true };

describe('bigint values', () => {
  it('keeps the full range as exact text', () => {
    expect(coerceValue(col, '9223372036854775807')).toBe('9223372036854775807');
    expect(coerceValue(col, '-9223372036854775808')).toBe('-9223372036854775808');
  });

  it('refuses one past either end, saying the range', () => {
    for (const v of ['9223372036854775808', '-9223372036854775809', '99999999999999999999']) {
      const r = coerceValue(col, v);
      expect(r).toBeInstanceOf(Rejected);
      expect((r as Rejected).problem).toMatch(/out of the bigint range \(±9223372036854775807\)/);
    }
  });
});
