/** In-memory resources of the sandbox, one table per type, in id order. */
import type { SandboxResource } from './types.js';

export interface Rec extends SandboxResource {
  /** Numeric id, for sorting and id filters without re-parsing. */
  num: number;
  /** Serialised JSON (without / with HATEOAS links), dropped on change. */
  json: [string | undefined, string | undefined];
}

export type Ref = { type: string; id: string };

export class DataStore {
  readonly tables = new Map<string, Map<string, Rec>>();
  private readonly seq = new Map<string, number>();
  /** Bumped on every change: sorted views below are valid for one version only. */
  version = 0;
  private readonly sorted = new Map<string, { version: number; rows: Rec[] }>();

  /** A table's rows in `key` order, cached until the next change (keyset reads sort the same way every page). */
  sortedRows(type: string, key: string, compare: (a: Rec, b: Rec) => number): Rec[] {
    const k = `${type}|${key}`;
    const hit = this.sorted.get(k);
    if (hit && hit.version === this.version) return hit.rows;
    const rows = Array.from(this.table(type).values()).sort(compare);
    this.sorted.set(k, { version: this.version, rows });
    return rows;
  }

  table(type: string): Map<string, Rec> {
    let t = this.tables.get(type);
    if (!t) {
      t = new Map();
      this.tables.set(type, t);
    }
    return t;
  }

  /** Adds a resource; ids are consecutive integers per type unless given (enum ids are strings). */
  add(type: string, attributes: Rec['attributes'], relationships: Rec['relationships'], id?: string): Rec {
    const n = (this.seq.get(type) ?? 0) + 1;
    const rid = id ?? String(n);
    if (id === undefined) this.seq.set(type, n);
    const rec: Rec = {
      type,
      id: rid,
      attributes,
      relationships,
      num: Number(rid),
      json: [undefined, undefined],
    };
    this.table(type).set(rid, rec);
    this.version++;
    return rec;
  }

  get(type: string, id: string): Rec | undefined {
    return this.tables.get(type)?.get(id);
  }

  changed(rec: Rec): void {
    rec.json = [undefined, undefined];
    this.version++;
  }

  /** Appends `ref` to a to-many relationship of `rec`. */
  link(rec: Rec, rel: string, ref: Ref): void {
    const cur = rec.relationships[rel];
    rec.relationships[rel] = Array.isArray(cur) ? [...cur, ref] : [ref];
    this.changed(rec);
  }

  clear(): void {
    this.tables.clear();
    this.seq.clear();
    this.sorted.clear();
    this.version++;
  }
}
