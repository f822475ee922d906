/**
 * push-customers' pure decision (src/jobs/mapping/snapshot-decision.ts), driven with plain
 * objects: no Oro, no database. test/jobs/push-customers.test.ts covers the same rules end to end.
 */
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../src/jobs/mapping/resource-cache.js';
import { decideSnapshots, type MappedRecord } from '../../src/jobs/mapping/snapshot-decision.js';

function mapped(id: number, hash: string, over: Partial<MappedRecord> = {}): MappedRecord {
  return {
    id: String(id),
    row: { oro_customer_id: id, payload_hash: hash },
    problems: [],
    missing: [],
    ...over,
  };
}

describe('decideSnapshots', () => {
  it('stages a changed snapshot, skips the one staged last, and settles both', () => {
    const d = decideSnapshots(
      [mapped(1, 'new'), mapped(2, 'same')],
      new Map([
        [1, 'old'],
        [2, 'same'],
      ]),
    );
    expect(d.plan.stage.map((r) => r['oro_customer_id'])).toEqual([1]);
    expect(d.skipped).toBe(1);
    expect(d.plan.settles).toEqual(['1', '2']);
    expect(d.plan.failures).toEqual([]);
    expect([...d.hashes]).toEqual([[1, 'new']]);
  });

  it('stages a customer never staged before', () => {
    const d = decideSnapshots([mapped(3, 'h')], new Map());
    expect(d.plan.stage).toHaveLength(1);
    expect(d.skipped).toBe(0);
  });

  it('fails a customer with every reason and neither stages nor settles it', () => {
    const d = decideSnapshots(
      [
        mapped(4, 'h', { row: null, problems: ['not returned by Oro'] }),
        mapped(5, 'h', { problems: ['no name'], missing: ['customergroups:3'] }),
      ],
      new Map(),
    );
    expect(d.plan.stage).toEqual([]);
    expect(d.plan.settles).toEqual([]);
    expect(d.plan.failures).toEqual([
      { id: '4', reason: 'not returned by Oro' },
      { id: '5', reason: expect.stringMatching(/^no name; Oro did not return customergroups 3/) },
    ]);
  });

  it('leaves the hashes it was given alone', () => {
    const latest = new Map([[1, 'old']]);
    decideSnapshots([mapped(1, 'new')], latest);
    expect([...latest]).toEqual([[1, 'old']]);
  });
});

describe('problemsOf', () => {
  it('adds what Oro did not return to the mapping problems', () => {
    expect(problemsOf({ problems: [], missing: [] })).toEqual([]);
    expect(problemsOf({ problems: ['a'], missing: ['products:4'] })).toEqual([
      'a',
      expect.stringMatching(/^Oro did not return products 4/),
    ]);
  });
});
