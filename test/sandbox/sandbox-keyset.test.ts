/**
 * Keyset queries (`filter[updatedAt][gt]=T&sort=updatedAt,id`, `filter[id][gt]=N&sort=id`) start
 * at the first matching row found by bisection instead of testing every row before it. They
 * must answer exactly what testing every row answers: checked here against a brute-force
 * evaluation of the same data (every order listed once, unpaged), with shared timestamps, ties on
 * the bound itself, bounds before the first and after the last row, paging and other filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAtOrAbove } from '../../tools/sandbox/query.js';
import type { Rec } from '../../tools/sandbox/store.js';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { api, token } from './helpers.js';

let sb: Sandbox;
let t: string;
let all: { id: string; updatedAt: string; customer: string }[];
beforeAll(async () => {
  sb = await startSandbox({ seed: { orders: 120, customers: 7, sameUpdatedAt: 6, seed: 21 } });
  t = await token(sb);
  const { json } = await api(sb, t, 'orders?page[size]=-1');
  all = json.data.map(
    (d: {
      id: string;
      attributes: { updatedAt: string };
      relationships: { customer: { data: { id: string } } };
    }) => ({
      id: d.id,
      updatedAt: d.attributes.updatedAt,
      customer: d.relationships.customer.data.id,
    }),
  );
});
afterAll(() => sb.close());

const byKey = (a: { updatedAt: string; id: string }, b: { updatedAt: string; id: string }): number =>
  a.updatedAt === b.updatedAt ? Number(a.id) - Number(b.id) : a.updatedAt < b.updatedAt ? -1 : 1;

describe('keyset queries answer as a full scan would', () => {
  it('updatedAt gt/gte bounds, including ties, the ends and paging', async () => {
    const stamps = [...new Set(all.map((o) => o.updatedAt))].sort();
    const bounds = [
      stamps[0]!,
      stamps[1]!,
      stamps[Math.floor(stamps.length / 2)]!,
      stamps.at(-1)!,
      '2000-01-01T00:00:00Z',
      '2999-01-01T00:00:00Z',
    ];
    for (const bound of bounds) {
      for (const op of ['gt', 'gte'] as const) {
        const expected = all
          .filter((o) => (op === 'gt' ? o.updatedAt > bound : o.updatedAt >= bound))
          .sort(byKey)
          .map((o) => o.id);
        for (const page of [1, 2]) {
          const { json, status } = await api(
            sb,
            t,
            `orders?filter[updatedAt][${op}]=${bound}&sort=updatedAt,id&page[size]=10&page[number]=${page}`,
          );
          expect(status).toBe(200);
          expect([bound, op, page, json.data.map((d: { id: string }) => d.id)]).toEqual([
            bound,
            op,
            page,
            expected.slice((page - 1) * 10, page * 10),
          ]);
        }
      }
    }
  });

  it('id bounds with another filter (the equal-timestamp group query)', async () => {
    const shared = all.find((o) => all.filter((x) => x.updatedAt === o.updatedAt).length > 2)!;
    for (const after of ['0', shared.id, '60', '119', '500']) {
      const expected = all
        .filter((o) => o.updatedAt === shared.updatedAt && Number(o.id) > Number(after))
        .map((o) => o.id)
        .sort((a, b) => Number(a) - Number(b));
      const { json } = await api(
        sb,
        t,
        `orders?filter[updatedAt]=${shared.updatedAt}&filter[id][gt]=${after}&sort=id&page[size]=100`,
      );
      expect([after, json.data.map((d: { id: string }) => d.id)]).toEqual([after, expected]);
    }
  });

  it('bisection skips rows without a value (nulls sort last)', () => {
    const rec = (num: number, v: string | null): Rec =>
      ({ type: 'x', id: String(num), num, attributes: { v }, relationships: {} }) as unknown as Rec;
    const rows = [rec(1, 'a'), rec(2, 'b'), rec(3, 'b'), rec(4, 'c'), rec(5, null), rec(6, null)];
    const gt = (x: string) => (r: Rec) => typeof r.attributes['v'] === 'string' && r.attributes['v'] > x;
    expect(firstAtOrAbove(rows, 'v', gt('a'))).toBe(1);
    expect(firstAtOrAbove(rows, 'v', gt('b'))).toBe(3);
    expect(firstAtOrAbove(rows, 'v', gt('c'))).toBe(4); // none: the scan starts at the nulls and finds nothing
    expect(firstAtOrAbove(rows, 'id', (r) => r.num > 2)).toBe(2);
  });
});
