/** Push-stream keys SQL Server cannot index (issue 17, defect 3), refused at configuration load. */
import { describe, expect, it } from 'vitest';
import { keyProblems } from '../../src/streams/key-size.js';

describe('keyProblems', () => {
  it('refuses string(max) and json key columns (Msg 1919)', () => {
    expect(keyProblems(['a', 'b'], { a: { type: 'string(max)' }, b: { type: 'json' } })).toEqual([
      { path: [0], message: expect.stringMatching(/"a" is string\(max\).*Msg 1919/) },
      { path: [1], message: expect.stringMatching(/"b" is json.*Msg 1919/) },
    ]);
  });

  it('counts 2n bytes per string(n) plus the 64-byte hash against 1,700 (Msg 1946)', () => {
    // 64 + 2 × 818 = 1700: the longest single string key that fits.
    expect(keyProblems(['sku'], { sku: { type: 'string(818)' } })).toEqual([]);
    expect(keyProblems(['sku'], { sku: { type: 'string(819)' } })).toEqual([
      { path: [], message: expect.stringMatching(/up to 1702 bytes .* over its 1700-byte limit.*Msg 1946/) },
    ]);
    expect(keyProblems(['id', 'at'], { id: { type: 'bigint' }, at: { type: 'timestamp' } })).toEqual([]);
  });
});
