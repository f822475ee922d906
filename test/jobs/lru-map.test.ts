import { describe, expect, it } from 'vitest';
import { LruMap } from '../../src/jobs/mapping/lru-map.js';

describe('LruMap', () => {
  it('keeps the entries used last and tells what it drops', () => {
    const dropped: [string, number][] = [];
    const m = new LruMap<string, number>(3, (k, v) => dropped.push([k, v]));
    m.set('a', 1).set('b', 2).set('c', 3);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('d', 4);
    expect(dropped).toEqual([['b', 2]]);
    expect([...m.keys()]).toEqual(['c', 'a', 'd']);
    m.set('c', 30); // setting again refreshes, drops nothing
    expect(dropped).toHaveLength(1);
    m.set('e', 5);
    expect(dropped).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
    expect(m.size).toBe(3);
    expect(m.get('missing')).toBeUndefined();
    expect(m.has('c') && m.get('c')).toBe(30);
  });
});
