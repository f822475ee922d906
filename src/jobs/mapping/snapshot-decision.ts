/**
 * push-customers' decision, pure (STYLE.md "Plan, then apply"): given the customers of a page as
 * mapped (push-customers.ts gathers: staging lookups, Oro reads, mapping), which snapshots are
 * staged, which are skipped and which fail. No I/O and no state kept between calls: a unit test
 * drives it with plain objects (test/jobs/snapshot-decision.test.ts).
 */
import type { Row } from '../../staging/store.js';
import type { PushPlan } from '../kit/push-loop.js';
import { problemsOf } from './resource-cache.js';

/** A record as mapped for a page: its row, or why it cannot be staged. */
export interface MappedRecord {
  id: string;
  row: Row | null;
  problems: string[];
  /** Resources the mapping needed that Oro did not return. */
  missing: string[];
}

export interface SnapshotDecision {
  plan: PushPlan<Row>;
  /** Customers whose snapshot is the one staged last: nothing to stage. */
  skipped: number;
  /** The hashes planned, by customer id, for the caller to remember. */
  hashes: Map<number, string>;
}

/**
 * A customer that cannot be mapped fails with every reason; one whose snapshot hash is the
 * latest staged (`latestHash`) is skipped; the others are staged. Each one that maps settles its
 * open quarantine entry, staged or not.
 */
export function decideSnapshots(
  mapped: readonly MappedRecord[],
  latestHash: ReadonlyMap<number, string>,
): SnapshotDecision {
  const plan: PushPlan<Row> = { stage: [], failures: [], settles: [] };
  const hashes = new Map<number, string>();
  let skipped = 0;
  for (const m of mapped) {
    const problems = problemsOf(m);
    if (problems.length > 0 || !m.row) {
      plan.failures.push({ id: m.id, reason: problems.join('; ') });
      continue;
    }
    plan.settles.push(m.id);
    const id = Number(m.id);
    const hash = String(m.row.payload_hash);
    if ((hashes.get(id) ?? latestHash.get(id)) === hash) {
      skipped++;
      continue;
    }
    hashes.set(id, hash);
    plan.stage.push(m.row);
  }
  return { plan, skipped, hashes };
}
