/**
 * The slow-Oro knob (Faults.latencyMs + perRecordMs): every resource served costs its time, a
 * quarter of it with a sparse fieldset. Lower bounds only: a delay is a minimum, never a maximum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../tools/sandbox/index.js';
import { api, token } from './helpers.js';

let sb: Sandbox;
let t: string;
beforeAll(async () => {
  sb = await startSandbox({ seed: { orders: 40, customers: 6, linesPerOrder: [5, 5], seed: 3 } });
  t = await token(sb);
});
afterAll(() => sb.close());

const timed = async (path: string) => {
  const t0 = performance.now();
  const a = await api(sb, t, path);
  const ms = performance.now() - t0;
  const entry = sb.requests.at(-1)!;
  return { a, ms, entry };
};

describe('latency knob', () => {
  it('charges every served resource (data and included), a quarter for a sparse fieldset', async () => {
    sb.setFaults({ latencyMs: 20, perRecordMs: 2 });
    const full = await timed('orders?include=lineItems&page[size]=20');
    expect(full.a.status).toBe(200);
    const served = full.a.json.data.length + full.a.json.included.length;
    expect(served).toBe(20 + 100);
    expect(full.entry.records).toBe(served);
    expect(full.entry.recordCostMs).toBe(served * 2);
    expect(full.ms).toBeGreaterThanOrEqual(20 + served * 2 - 1);

    const sparse = await timed('orders?fields[orders]=updatedAt&page[size]=40');
    expect(sparse.a.json.data).toHaveLength(40);
    expect(Object.keys(sparse.a.json.data[0].attributes)).toEqual(['updatedAt']);
    expect(sparse.entry.records).toBe(40);
    expect(sparse.entry.recordCostMs).toBe(40 * 0.5);
    expect(sparse.ms).toBeGreaterThanOrEqual(20 + 20 - 1);

    const one = await timed('orders/3?include=lineItems');
    expect(one.entry.records).toBe(6);
    expect(one.entry.recordCostMs).toBe(12);
  });

  it('costs nothing per record when the knob is off, and errors are not charged', async () => {
    sb.setFaults({});
    const plain = await timed('orders?include=lineItems&page[size]=20');
    expect(plain.entry.records).toBe(120);
    expect(plain.entry.recordCostMs).toBeUndefined();
    sb.setFaults({ perRecordMs: 50 });
    const missing = await timed('orders/999999');
    expect(missing.a.status).toBe(404);
    expect(missing.entry.recordCostMs).toBeUndefined();
    sb.setFaults({});
  });
});
