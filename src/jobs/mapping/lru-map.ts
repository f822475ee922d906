/**
 * A Map that keeps the `cap` entries used last (set or read with `get`): setting one more drops
 * the least recently used, and `onDrop` is told. The push jobs keep what they prepared per
 * customer in these (customer-source.ts, customer-memo.ts), so that a catch-up over thousands of
 * customers holds a bounded number of them: a customer met again after being dropped is read and
 * mapped again, as at the start of a run.
 */
export class LruMap<K, V> extends Map<K, V> {
  constructor(
    private readonly cap: number,
    private readonly onDrop?: (key: K, value: V) => void,
  ) {
    super();
  }

  override get(key: K): V | undefined {
    if (!super.has(key)) return undefined;
    const value = super.get(key) as V;
    super.delete(key);
    super.set(key, value);
    return value;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    for (const [oldest, dropped] of super.entries()) {
      if (this.size <= this.cap) break;
      super.delete(oldest);
      this.onDrop?.(oldest, dropped);
    }
    return this;
  }
}
