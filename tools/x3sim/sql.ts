/**
 * The SQL the X3 side sends, in both dialects of the staging store. Pure functions returning
 * text and parameters, so the exact T-SQL can be checked without a SQL Server (STYLE.md "Check
 * the exact SQL per backend"). Placeholders are `$1` on PostgreSQL/PGlite and `@p1` on SQL Server
 * (StagingStore.query). Only contract columns are touched: X3 writes `status`, `erp_*` and
 * `processed_at` of direction-1 rows, and inserts direction-2 rows (staging-tables.md).
 */
import type { Dialect } from '../../src/staging/store.js';

export type Names = (table: string) => string;

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Parameters per statement: a procedure takes at most 2,100 (learn.microsoft.com/sql/sql-server/
 * maximum-capacity-specifications-for-sql-server, "Parameters per stored procedure"), and mssql
 * runs a query through sp_executesql, whose @statement and @params take 2 of them.
 */
const MAX_PARAMS = 2098;

/** Rows per multi-row statement with `paramsPerRow` parameters each (and at most 1,000 VALUES rows). */
export function rowsPerStatement(paramsPerRow: number): number {
  return Math.max(1, Math.min(1000, Math.floor(MAX_PARAMS / paramsPerRow)));
}

export class X3Sql {
  readonly mssql: boolean;
  constructor(
    dialect: Dialect,
    private readonly name: Names,
  ) {
    this.mssql = dialect === 'mssql';
  }

  private p(i: number): string {
    return this.mssql ? `@p${i}` : `$${i}`;
  }

  private now(): string {
    return this.mssql ? 'SYSUTCDATETIME()' : 'now()';
  }

  private str(s: string): string {
    return this.mssql ? `N'${s}'` : `'${s}'`;
  }

  /** `SELECT TOP (n)` on SQL Server, `LIMIT n` on PostgreSQL. */
  private select(columns: string, rest: string, limit: number): string {
    const n = Math.max(1, Math.floor(limit));
    return this.mssql ? `SELECT TOP (${n}) ${columns} ${rest}` : `SELECT ${columns} ${rest} LIMIT ${n}`;
  }

  private inList(values: readonly unknown[], from: number): string {
    return values.map((_, i) => this.p(from + i)).join(', ');
  }

  newCustomers(limit: number): Statement {
    const sql = this.select(
      'staging_id, oro_customer_id, erp_customer_code, name',
      `FROM ${this.name('customer')} WHERE status = ${this.str('NEW')} ORDER BY staging_id`,
      limit,
    );
    return { sql, params: [] };
  }

  newOrders(limit: number): Statement {
    const sql = this.select(
      'staging_id, oro_order_id, order_identifier, po_number, oro_customer_id, erp_customer_code, currency, total',
      `FROM ${this.name('order')} WHERE status = ${this.str('NEW')} ORDER BY staging_id`,
      limit,
    );
    return { sql, params: [] };
  }

  /** Codes X3 already gave these customers: the customer map, and customer rows marked DONE. */
  knownCodes(oroCustomerIds: readonly number[]): Statement {
    const list = this.inList(oroCustomerIds, 1);
    const sql =
      `SELECT oro_customer_id, erp_customer_code FROM ${this.name('customer_map')} WHERE oro_customer_id IN (${list}) ` +
      `UNION SELECT oro_customer_id, erp_customer_code FROM ${this.name('customer')} ` +
      `WHERE status = ${this.str('DONE')} AND erp_customer_code IS NOT NULL AND oro_customer_id IN (${list})`;
    return { sql, params: [...oroCustomerIds] };
  }

  /** Customers whose latest row X3 rejected (orders for them are rejected too). */
  rejectedCustomers(oroCustomerIds: readonly number[]): Statement {
    const sql =
      `SELECT DISTINCT oro_customer_id FROM ${this.name('customer')} ` +
      `WHERE status = ${this.str('ERROR')} AND oro_customer_id IN (${this.inList(oroCustomerIds, 1)})`;
    return { sql, params: [...oroCustomerIds] };
  }

  /**
   * Marks direction-1 rows DONE or ERROR in one statement, only rows still NEW (another X3 worker
   * may have taken them), returning the staging ids actually changed. `codeColumn` is
   * `erp_customer_code` or `erp_order_number`.
   */
  finish(
    table: 'customer' | 'order',
    codeColumn: 'erp_customer_code' | 'erp_order_number',
    rows: readonly {
      stagingId: string;
      status: 'DONE' | 'ERROR';
      code: string | null;
      message: string | null;
    }[],
  ): Statement {
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const base = params.length;
      params.push(r.stagingId, r.status, r.code, r.message);
      const id = this.mssql ? `CAST(${this.p(base + 1)} AS bigint)` : `${this.p(base + 1)}::bigint`;
      return `(${id}, ${this.p(base + 2)}, ${this.p(base + 3)}, ${this.p(base + 4)})`;
    });
    const values = `(VALUES ${tuples.join(', ')}) AS v(staging_id, status, code, message)`;
    // The code keeps what sagesync already knew (erp_customer_code from the map) when X3 gives none.
    // OUTPUT … INTO: a bare OUTPUT fails on a table with an enabled trigger (Msg 334; learn
    // …/t-sql/queries/output-clause-transact-sql), and X3 sites add triggers to staging tables.
    const sql = this.mssql
      ? `DECLARE @done TABLE (staging_id bigint); ` +
        `UPDATE t SET t.status = v.status, t.${codeColumn} = COALESCE(v.code, t.${codeColumn}), ` +
        `t.erp_message = v.message, t.processed_at = ${this.now()} OUTPUT inserted.staging_id INTO @done ` +
        `FROM ${this.name(table)} AS t JOIN ${values} ON t.staging_id = v.staging_id WHERE t.status = N'NEW'; ` +
        `SELECT CONVERT(varchar(20), staging_id) AS staging_id FROM @done`
      : `UPDATE ${this.name(table)} AS t SET status = v.status, ${codeColumn} = COALESCE(v.code, t.${codeColumn}), ` +
        `erp_message = v.message, processed_at = ${this.now()} FROM ${values} ` +
        `WHERE t.staging_id = v.staging_id AND t.status = 'NEW' RETURNING t.staging_id`;
    return { sql, params };
  }

  /** Customer codes created by X3 (DONE rows) for which X3 has not yet written any credit limit. */
  codesWithoutCreditLimit(limit: number): Statement {
    const sql = this.select(
      'c.erp_customer_code, MIN(c.oro_customer_id) AS oro_customer_id',
      `FROM ${this.name('customer')} AS c WHERE c.status = ${this.str('DONE')} AND c.erp_customer_code IS NOT NULL ` +
        `AND NOT EXISTS (SELECT 1 FROM ${this.name('credit_limit')} AS l WHERE l.erp_customer_code = c.erp_customer_code) ` +
        `GROUP BY c.erp_customer_code ORDER BY c.erp_customer_code`,
      limit,
    );
    return { sql, params: [] };
  }

  insertCreditLimits(
    rows: readonly { code: string; oroCustomerId: number | null; limit: string; currency: string | null }[],
  ): Statement {
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const b = params.length;
      params.push(r.code, r.oroCustomerId, r.limit, r.currency);
      return `(${this.p(b + 1)}, ${this.p(b + 2)}, ${this.p(b + 3)}, ${this.p(b + 4)})`;
    });
    const sql =
      `INSERT INTO ${this.name('credit_limit')} (erp_customer_code, oro_customer_id, credit_limit, currency) ` +
      `VALUES ${tuples.join(', ')}`;
    return { sql, params };
  }

  /** Orders X3 created (DONE with a number) that have no shipment row yet. */
  ordersWithoutShipment(limit: number): Statement {
    const sql = this.select(
      'o.staging_id, o.oro_order_id, o.order_identifier, o.erp_order_number',
      `FROM ${this.name('order')} AS o WHERE o.status = ${this.str('DONE')} AND o.erp_order_number IS NOT NULL ` +
        `AND NOT EXISTS (SELECT 1 FROM ${this.name('shipment')} AS s WHERE s.erp_order_number = o.erp_order_number) ` +
        `ORDER BY o.staging_id`,
      limit,
    );
    return { sql, params: [] };
  }

  insertShipments(
    rows: readonly {
      oroOrderId: number | null;
      erpOrderNumber: string | null;
      orderIdentifier: string | null;
      carrier: string;
      trackingNumber: string;
      deliveryNumber: string | null;
    }[],
  ): Statement {
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const b = params.length;
      params.push(
        r.oroOrderId,
        r.erpOrderNumber,
        r.orderIdentifier,
        r.carrier,
        r.trackingNumber,
        r.deliveryNumber,
      );
      const ps = [1, 2, 3, 4, 5, 6].map((i) => this.p(b + i)).join(', ');
      return `(${ps}, ${this.now()})`;
    });
    const sql =
      `INSERT INTO ${this.name('shipment')} ` +
      `(oro_order_id, erp_order_number, order_identifier, carrier, tracking_number, erp_delivery_number, shipped_at) ` +
      `VALUES ${tuples.join(', ')}`;
    return { sql, params };
  }

  /** Direction-2 rows and their outcome, for reports. */
  inboundStatus(table: 'credit_limit' | 'shipment'): Statement {
    return {
      sql: `SELECT status, COUNT(*) AS n FROM ${this.name(table)} GROUP BY status ORDER BY status`,
      params: [],
    };
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
