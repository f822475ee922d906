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

/**
 * How the database compares codes, so that `bp1` meets an existing `BP1` under a
 * case-insensitive collation here instead of in the UNIQUE index on every run. SQL Server names
 * its collations `…_CI_…`/`…_CS_…` and `…_AI_…`/`…_AS_…`, and ignores trailing spaces in `=`
 * (learn.microsoft.com/sql/relational-databases/collations/collation-and-unicode-support;
 * …/t-sql/language-elements/string-comparison-assignment). Kana and width sensitivity are not
 * modelled: the UNIQUE index stays the backstop. PostgreSQL compares exactly (null collation
 * → identity).
 */
export function codeFolder(collation: string | null | undefined): (code: string) => string {
  if (!collation) return (c) => c;
  const ci = /_CI(_|$)/i.test(collation);
  const ai = /_AI(_|$)/i.test(collation);
  return (code) => {
    let c = code.replace(/ +$/, '');
    if (ci) c = c.toLowerCase();
    if (ai) c = c.normalize('NFD').replace(/\p{M}/gu, '');
    return c;
  };
}

export function planCustomerCodes(
  candidates: readonly CodeCandidate[],
  /** code → oro_customer_id currently holding it in the map */
  taken: ReadonlyMap<string, number>,
  fold: (code: string) => string = (c) => c,
): LearnResult & { learntFrom: string[] } {
  const byCode = new Map<string, CodeCandidate[]>();
  for (const c of candidates) byCode.set(fold(c.code), [...(byCode.get(fold(c.code)) ?? []), c]);
  const held = new Map([...taken].map(([code, id]) => [fold(code), id]));
  const out: LearnResult & { learntFrom: string[] } = { learnt: [], conflicts: [], learntFrom: [] };
  for (const [key, list] of byCode) {
    const code = list[0]?.code ?? key;
    const holder = held.get(key);
    const ids = [
      ...new Set([...(holder === undefined ? [] : [holder]), ...list.map((c) => c.oroCustomerId)]),
    ];
    const latest = list.reduce((a, b) => (BigInt(a.stagingId) > BigInt(b.stagingId) ? a : b));
    if (ids.length > 1) {
      out.conflicts.push({ code, oroCustomerIds: ids.sort((a, b) => a - b), stagingId: latest.stagingId });
      continue;
    }
    out.learnt.push({ oroCustomerId: latest.oroCustomerId, code: latest.code });
    out.learntFrom.push(latest.stagingId);
  }
  return out;
}

/** The reads and the write of learning, in the dialect's SQL, inside one transaction. */
export interface LearnIo {
  /** The latest DONE row with a code per customer, when it differs from the map. */
  candidates(): Promise<Record<string, unknown>[]>;
  /** Map rows holding any of `codes`. */
  taken(codes: string[]): Promise<Record<string, unknown>[]>;
  /** How the database compares codes (codeFolder). */
  fold(): Promise<(code: string) => string>;
  upsert(rows: CodeCandidate[]): Promise<void>;
}

export async function learnCustomerCodes(io: LearnIo): Promise<LearnResult> {
  const candidates: CodeCandidate[] = (await io.candidates()).map((r) => ({
    oroCustomerId: Number(r.oro_customer_id),
    code: String(r.erp_customer_code).trim(),
    stagingId: String(r.staging_id),
  }));
  if (candidates.length === 0) return { learnt: [], conflicts: [] };
  const taken = await io.taken([...new Set(candidates.map((c) => c.code))]);
  const plan = planCustomerCodes(
    candidates,
    new Map(taken.map((r) => [String(r.erp_customer_code), Number(r.oro_customer_id)])),
    await io.fold(),
  );
  if (plan.learnt.length > 0) {
    await io.upsert(plan.learnt.map((l, i) => ({ ...l, stagingId: plan.learntFrom[i] ?? '0' })));
  }
  return { learnt: plan.learnt, conflicts: plan.conflicts };
}
