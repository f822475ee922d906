/**
 * Plays the Sage X3 side of the staging tables against a StagingStore, the way X3's recurring
 * import task would (docs/contract/staging-tables.md, "Direction 1"): customers first,
 * then orders, then it writes credit limits and parcel trackings back. One call is one pass of
 * that task; every step is idempotent, so a pass may be repeated or killed at any point.
 */
import type { Row, StagingStore } from '../../src/staging/store.js';
import { CARRIERS, carrierFor, customerCode, deliveryNumber, orderNumber, trackingNumber } from './codes.js';
import { chunks, rowsPerStatement, X3Sql, type Statement } from './sql.js';

export interface X3Rejection {
  /** Oro order identifier, or the Oro order id as a string. */
  match: string;
  /** erp_message written to the row. */
  message?: string;
}

export interface X3SimOptions {
  /** Orders X3 refuses (status ERROR with erp_message). */
  rejectOrders?: readonly X3Rejection[];
  /** Customers (Oro customer id as a string, or the customer name) X3 refuses. */
  rejectCustomers?: readonly X3Rejection[];
  /** Credit limit written once for every customer X3 created; null writes none. Default `25000.0000`. */
  creditLimit?: string | null;
  /** Per customer (X3 code or Oro customer id) overrides, e.g. `0` = customer on hold. */
  creditLimits?: Readonly<Record<string, string>>;
  currency?: string;
  /** Write one parcel per order X3 created. Default true. */
  shipments?: boolean;
  carriers?: readonly string[];
  /** Rows taken per table and pass. Default 1,000. */
  limit?: number;
  clock?: () => Date;
}

export interface X3Report {
  customers: {
    stagingId: string;
    oroCustomerId: number;
    name: string;
    code: string | null;
    message: string | null;
  }[];
  orders: {
    stagingId: string;
    oroOrderId: number;
    identifier: string;
    number: string | null;
    message: string | null;
  }[];
  /** Orders left NEW because their customer is not processed yet. */
  ordersWaiting: number;
  creditLimits: { code: string; oroCustomerId: number | null; limit: string }[];
  shipments: {
    oroOrderId: number;
    erpOrderNumber: string;
    carrier: string;
    trackingNumber: string;
    delivery: string;
  }[];
}

const DEFAULT_ORDER_REJECTION =
  'Sales order not created: item reference (ITMREF) is blocked for sale on site FR011 (AOE_SOHFL).';
const DEFAULT_CUSTOMER_REJECTION =
  'Customer not created: customer category (BCGCOD) is missing for this business partner.';

const str = (v: Row[string] | undefined): string => (v === null || v === undefined ? '' : String(v));
const num = (v: Row[string] | undefined): number => Number(v);

function matcher(list: readonly X3Rejection[] | undefined): (...keys: string[]) => X3Rejection | undefined {
  const byKey = new Map((list ?? []).map((r) => [r.match, r]));
  return (...keys) => keys.map((k) => byKey.get(k)).find((r) => r !== undefined);
}

export class X3Simulator {
  private readonly sql: X3Sql;
  private readonly clock: () => Date;

  constructor(
    private readonly store: StagingStore,
    private readonly options: X3SimOptions = {},
  ) {
    this.sql = new X3Sql(store.dialect, (t) => store.tableName(t));
    this.clock = options.clock ?? (() => new Date());
  }

  private run(s: Statement): Promise<Row[]> {
    return this.store.query(s.sql, s.params);
  }

  private get limit(): number {
    return this.options.limit ?? 1000;
  }

  /** One pass: customers, orders, credit limits, shipments. */
  async pass(): Promise<X3Report> {
    const customers = await this.processCustomers();
    const { orders, waiting } = await this.processOrders();
    const creditLimits = this.options.creditLimit === null ? [] : await this.writeCreditLimits();
    const shipments = this.options.shipments === false ? [] : await this.writeShipments();
    return { customers, orders, ordersWaiting: waiting, creditLimits, shipments };
  }

  async processCustomers(): Promise<X3Report['customers']> {
    const rows = await this.run(this.sql.newCustomers(this.limit));
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.map((r) => num(r.oro_customer_id)))];
    const known = await this.knownCodes(ids);
    const reject = matcher(this.options.rejectCustomers);
    const decided = rows.map((r) => {
      const id = num(r.oro_customer_id);
      const refused = reject(String(id), str(r.name));
      const code = refused ? null : str(r.erp_customer_code) || known.get(id) || customerCode(id);
      return {
        stagingId: str(r.staging_id),
        oroCustomerId: id,
        name: str(r.name),
        code,
        message: refused ? (refused.message ?? DEFAULT_CUSTOMER_REJECTION) : null,
      };
    });
    const changed = await this.finish('customer', 'erp_customer_code', decided);
    return decided.filter((d) => changed.has(d.stagingId));
  }

  async processOrders(): Promise<{ orders: X3Report['orders']; waiting: number }> {
    const rows = await this.run(this.sql.newOrders(this.limit));
    if (rows.length === 0) return { orders: [], waiting: 0 };
    const ids = [...new Set(rows.map((r) => num(r.oro_customer_id)))];
    const known = await this.knownCodes(ids);
    const refusedCustomers = new Set(
      (await this.run(this.sql.rejectedCustomers(ids))).map((r) => num(r.oro_customer_id)),
    );
    const reject = matcher(this.options.rejectOrders);
    const now = this.clock();
    let waiting = 0;
    const decided: X3Report['orders'] = [];
    for (const r of rows) {
      const stagingId = str(r.staging_id);
      const customerId = num(r.oro_customer_id);
      const base = { stagingId, oroOrderId: num(r.oro_order_id), identifier: str(r.order_identifier) };
      const refused = reject(base.identifier, String(base.oroOrderId));
      const code = str(r.erp_customer_code) || known.get(customerId);
      if (refused) {
        decided.push({ ...base, number: null, message: refused.message ?? DEFAULT_ORDER_REJECTION });
      } else if (code) {
        decided.push({ ...base, number: orderNumber(stagingId, now), message: null });
      } else if (refusedCustomers.has(customerId)) {
        const message = `Sales order not created: sold-to customer (BPCORD) for Oro customer ${customerId} does not exist in X3; its customer row was rejected.`;
        decided.push({ ...base, number: null, message });
      } else {
        // X3 creates the order once the customer exists (guarantee 2: its row was staged first).
        waiting += 1;
      }
    }
    const changed = await this.finish(
      'order',
      'erp_order_number',
      decided.map((d) => ({ ...d, code: d.number })),
    );
    return { orders: decided.filter((d) => changed.has(d.stagingId)), waiting };
  }

  async writeCreditLimits(): Promise<X3Report['creditLimits']> {
    const rows = await this.run(this.sql.codesWithoutCreditLimit(this.limit));
    const overrides = this.options.creditLimits ?? {};
    const written = rows.map((r) => {
      const code = str(r.erp_customer_code);
      const oroId = r.oro_customer_id === null ? null : num(r.oro_customer_id);
      const limit = overrides[code] ?? overrides[String(oroId)] ?? this.options.creditLimit ?? '25000.0000';
      return { code, oroCustomerId: oroId, limit, currency: this.options.currency ?? 'USD' };
    });
    for (const part of chunks(written, rowsPerStatement(4)))
      await this.run(this.sql.insertCreditLimits(part));
    return written.map(({ code, oroCustomerId, limit }) => ({ code, oroCustomerId, limit }));
  }

  /** Writes explicit credit-limit rows (the CLI's `--credit C00042=0`). */
  async writeCreditLimitRows(
    rows: readonly { code: string; oroCustomerId?: number; limit: string }[],
  ): Promise<void> {
    const full = rows.map((r) => ({
      code: r.code,
      oroCustomerId: r.oroCustomerId ?? null,
      limit: r.limit,
      currency: this.options.currency ?? 'USD',
    }));
    for (const part of chunks(full, rowsPerStatement(4))) await this.run(this.sql.insertCreditLimits(part));
  }

  async writeShipments(): Promise<X3Report['shipments']> {
    const rows = await this.run(this.sql.ordersWithoutShipment(this.limit));
    const carriers = this.options.carriers ?? CARRIERS;
    const now = this.clock();
    const written = rows.map((r) => {
      const stagingId = str(r.staging_id);
      const carrier = carrierFor(stagingId, carriers);
      return {
        oroOrderId: num(r.oro_order_id),
        erpOrderNumber: str(r.erp_order_number),
        carrier,
        trackingNumber: trackingNumber(carrier, stagingId),
        delivery: deliveryNumber(stagingId, now),
      };
    });
    // X3 knows its own order number, so that is how it names the order (contract: resolved
    // through sagesync_order.erp_order_number).
    const inserts = written.map((w) => ({
      oroOrderId: null,
      erpOrderNumber: w.erpOrderNumber,
      orderIdentifier: null,
      carrier: w.carrier,
      trackingNumber: w.trackingNumber,
      deliveryNumber: w.delivery,
    }));
    for (const part of chunks(inserts, rowsPerStatement(6))) await this.run(this.sql.insertShipments(part));
    return written;
  }

  private async knownCodes(ids: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const part of chunks(ids, 500)) {
      for (const r of await this.run(this.sql.knownCodes(part)))
        out.set(num(r.oro_customer_id), str(r.erp_customer_code));
    }
    return out;
  }

  private async finish(
    table: 'customer' | 'order',
    column: 'erp_customer_code' | 'erp_order_number',
    rows: readonly { stagingId: string; code: string | null; message: string | null }[],
  ): Promise<Set<string>> {
    const changed = new Set<string>();
    const updates = rows.map((r) => ({
      stagingId: r.stagingId,
      status: r.message === null ? ('DONE' as const) : ('ERROR' as const),
      code: r.code,
      message: r.message,
    }));
    for (const part of chunks(updates, rowsPerStatement(4))) {
      for (const r of await this.run(this.sql.finish(table, column, part))) changed.add(str(r.staging_id));
    }
    return changed;
  }
}
