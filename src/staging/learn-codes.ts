/**
 * Learning X3 customer codes (sagesync_customer_map) is decided here, the same for both
 * dialects: a code may map to one Oro customer only (UNIQUE erp_customer_code), so a code that
 * X3 gave to two customers, or that the map already holds for another customer, is a conflict
 * for a human, never an overwrite.
 */
export interface CodeCandidate {
  oroCustomerId: number;
  code: string;
  stagingId: string;
}

export interface LearnResult {
  learnt: { oroCustomerId: number; code: string }[];
  conflicts: { code: string; oroCustomerIds: number[]; stagingId: string }[];
}

export function planCustomerCodes(
  candidates: readonly CodeCandidate[],
  /** code → oro_customer_id currently holding it in the map */
  taken: ReadonlyMap<string, number>,
): LearnResult & { learntFrom: string[] } {
  const byCode = new Map<string, CodeCandidate[]>();
  for (const c of candidates) byCode.set(c.code, [...(byCode.get(c.code) ?? []), c]);
  const out: LearnResult & { learntFrom: string[] } = { learnt: [], conflicts: [], learntFrom: [] };
  for (const [code, list] of byCode) {
    const holder = taken.get(code);
    const ids = [
      ...new Set([...(holder === undefined ? [] : [holder]), ...list.map((c) => c.oroCustomerId)]),
    ];
    const latest = list.reduce((a, b) => (BigInt(a.stagingId) > BigInt(b.stagingId) ? a : b));
    if (ids.length > 1) {
      out.conflicts.push({ code, oroCustomerIds: ids.sort((a, b) => a - b), stagingId: latest.stagingId });
      continue;
    }
    out.learnt.push({ oroCustomerId: latest.oroCustomerId, code });
    out.learntFrom.push(latest.stagingId);
  }
  return out;
}
