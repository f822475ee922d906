/**
 * What chaos promises to check, from both sides (staging-tables.md "Guarantees"): every Oro order
 * staged once with all of its lines, its customer's snapshot first; every credit and shipment row
 * DONE or ERROR; every tracking in Oro exactly once; each customer's credit limit in Oro is the
 * last one X3 wrote; nothing Oro has left in quarantine.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { StagingStore } from '../../src/staging/store.js';

export interface Check {
  check: string;
  expected: number;
  found: number;
  lost: number;
  duplicated: number;
  detail: string;
}

const ids = (rel: unknown): string[] =>
  Array.isArray(rel)
    ? rel.map((r: { id: string }) => r.id)
    : rel && typeof rel === 'object'
      ? [(rel as { id: string }).id]
      : [];

export async function verify(store: StagingStore, sandbox: Sandbox, creditField: string): Promise<Check[]> {
  const t = (n: string) => store.tableName(n);
  const checks: Check[] = [];

  // Orders and lines.
  const oroOrders = sandbox.all('orders');
  const staged = await store.query(
    `SELECT oro_order_id, COUNT(*) AS n FROM ${t('order')} GROUP BY oro_order_id`,
  );
  const stagedCount = new Map(staged.map((r) => [String(r.oro_order_id), Number(r.n)]));
  const lostOrders = oroOrders.filter((o) => !stagedCount.has(o.id));
  const dupOrders = [...stagedCount.values()].reduce((a, n) => a + (n - 1), 0);
  checks.push({
    check: 'orders staged exactly once',
    expected: oroOrders.length,
    found: stagedCount.size,
    lost: lostOrders.length,
    duplicated: dupOrders,
    detail: lostOrders.length
      ? `missing e.g. ${lostOrders
          .slice(0, 5)
          .map((o) => o.id)
          .join(', ')}`
      : '',
  });
  const lineRows = await store.query(
    `SELECT l.oro_order_id, l.oro_line_item_id, COUNT(*) AS n FROM ${t('order_line')} l GROUP BY l.oro_order_id, l.oro_line_item_id`,
  );
  const stagedLines = new Map<string, Map<string, number>>();
  for (const r of lineRows) {
    const m = stagedLines.get(String(r.oro_order_id)) ?? new Map<string, number>();
    m.set(String(r.oro_line_item_id), Number(r.n));
    stagedLines.set(String(r.oro_order_id), m);
  }
  let expectedLines = 0;
  let lostLines = 0;
  let dupLines = 0;
  let foundLines = 0;
  const headless: string[] = [];
  for (const o of oroOrders) {
    if (!stagedCount.has(o.id)) continue;
    const want = ids(o.relationships.lineItems);
    const have = stagedLines.get(o.id) ?? new Map<string, number>();
    if (have.size === 0) headless.push(o.id);
    expectedLines += want.length;
    for (const id of want) if (!have.has(id)) lostLines += 1;
    for (const n of have.values()) {
      foundLines += n;
      dupLines += n - 1;
    }
    dupLines += [...have.keys()].filter((id) => !want.includes(id)).length;
  }
  checks.push({
    check: 'lines of staged orders, all present once',
    expected: expectedLines,
    found: foundLines,
    lost: lostLines,
    duplicated: dupLines,
    detail: headless.length ? `headers without lines: ${headless.slice(0, 5).join(', ')}` : '',
  });

  // Customer snapshot staged no later than each order (guarantee 2).
  const late = await store.query(
    `SELECT o.oro_order_id FROM ${t('order')} o WHERE NOT EXISTS (SELECT 1 FROM ${t('customer')} c ` +
      `WHERE c.oro_customer_id = o.oro_customer_id AND c.staged_at <= o.staged_at)`,
  );
  checks.push({
    check: "customer's snapshot staged before its order",
    expected: stagedCount.size,
    found: stagedCount.size - late.length,
    lost: late.length,
    duplicated: 0,
    detail: late.length
      ? `orders without an earlier snapshot: ${late
          .slice(0, 5)
          .map((r) => r.oro_order_id)
          .join(', ')}`
      : '',
  });

  // Credit limits: every row finished; Oro holds the last DONE value per customer.
  const credit = await store.query(
    `SELECT l.staging_id, l.status, l.credit_limit, COALESCE(l.oro_customer_id, m.oro_customer_id) AS cid ` +
      `FROM ${t('credit_limit')} l LEFT JOIN ${t('customer_map')} m ON m.erp_customer_code = l.erp_customer_code ORDER BY l.staging_id`,
  );
  const open = credit.filter((r) => r.status !== 'DONE' && r.status !== 'ERROR');
  const last = new Map<string, string>();
  for (const r of credit)
    if (r.status === 'DONE' && r.cid !== null) last.set(String(r.cid), String(r.credit_limit));
  const wrong = [...last].filter(
    ([cid, v]) => Number(sandbox.customer(cid)?.attributes[creditField]) !== Number(v),
  );
  const errors = credit.filter((r) => r.status === 'ERROR').length;
  const patches = sandbox.requests.filter(
    (r) => r.method === 'PATCH' && r.path.includes('/customers/') && r.status === 200,
  );
  checks.push({
    check: 'credit-limit rows DONE/ERROR, last value in Oro',
    expected: credit.length,
    found: credit.length - open.length,
    lost: open.length + wrong.length,
    duplicated: 0,
    detail: `${errors} ERROR; ${patches.length} PATCHes for ${last.size} customers${wrong.length ? `; wrong value in Oro for ${wrong.length}` : ''}`,
  });

  // Shipments: every row finished; each DONE tracking exists in Oro exactly once; no stray ones.
  const ship = await store.query(
    `SELECT s.staging_id, s.status, s.carrier, s.tracking_number, s.sync_message, o.oro_order_id FROM ${t('shipment')} s ` +
      `LEFT JOIN ${t('order')} o ON o.erp_order_number = s.erp_order_number`,
  );
  const openShip = ship.filter((r) => r.status !== 'DONE' && r.status !== 'ERROR');
  let missing = 0;
  const wanted = new Set<string>();
  for (const r of ship) {
    if (r.status !== 'DONE' || r.oro_order_id === null) continue;
    wanted.add(`${r.oro_order_id}|${r.tracking_number}`);
    const inOro = sandbox.trackings(String(r.oro_order_id)).filter((k) => k.number === r.tracking_number);
    if (inOro.length === 0) missing += 1;
  }
  let inOro = 0;
  let dupTrackings = 0;
  for (const o of oroOrders) {
    const seen = new Map<string, number>();
    for (const k of sandbox.trackings(o.id)) seen.set(k.number, (seen.get(k.number) ?? 0) + 1);
    for (const [num, n] of seen) {
      inOro += n;
      dupTrackings += n - 1;
      if (!wanted.has(`${o.id}|${num}`)) dupTrackings += 1;
    }
  }
  const shipErrors = ship.filter((r) => r.status === 'ERROR');
  // X3 may send the same parcel twice; Oro must still get it once (contract, sagesync_shipment).
  const distinct = new Set(
    ship.filter((r) => r.status === 'DONE').map((r) => `${r.oro_order_id}|${r.tracking_number}`),
  );
  const repeats = ship.filter((r) => r.status === 'DONE').length - distinct.size;
  checks.push({
    check: 'shipment rows DONE/ERROR, each tracking in Oro once',
    expected: distinct.size,
    found: inOro,
    lost: openShip.length + missing,
    duplicated: dupTrackings,
    detail:
      `${ship.length} rows, ${repeats} repeating a parcel already sent; ${shipErrors.length} ERROR` +
      `${shipErrors[0] ? ` (e.g. "${String(shipErrors[0].sync_message).slice(0, 80)}")` : ''}; ${openShip.length} still NEW`,
  });
  checks.push(await quarantined(store, sandbox));
  return checks;
}

/**
 * Quarantine at the end: an open entry is right only for a record Oro does not have (the hostile
 * phase's made-up ids); one for a record Oro has is a record never staged.
 */
async function quarantined(store: StagingStore, sandbox: Sandbox): Promise<Check> {
  const rows = await store.query(
    `SELECT entity, entity_id FROM ${store.tableName('quarantine')} WHERE resolved_at IS NULL`,
  );
  const ids = new Map<string, Set<string>>();
  const has = (entity: string, id: string): boolean => {
    if (!ids.has(entity)) ids.set(entity, new Set(sandbox.all(`${entity}s`).map((r) => r.id)));
    return ids.get(entity)?.has(id) === true;
  };
  const real = rows.filter((r) => has(String(r.entity), String(r.entity_id)));
  const made = rows.filter((r) => !real.includes(r)).map((r) => JSON.stringify(String(r.entity_id)));
  return {
    check: 'quarantine left only for ids Oro lacks',
    expected: rows.length - real.length,
    found: made.length,
    lost: real.length,
    duplicated: 0,
    detail:
      `${rows.length} open${made.length ? `, e.g. ${[...new Set(made)].slice(0, 4).join(', ')}` : ''}` +
      `${real.length ? `; Oro has ${real.map((r) => `${String(r.entity)} ${String(r.entity_id)}`).join(', ')}` : ''}`,
  };
}
