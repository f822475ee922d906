import { describe, expect, it } from 'vitest';
import {
  carrierFor,
  customerCode,
  deliveryNumber,
  orderNumber,
  trackingNumber,
} from '../../tools/x3sim/codes.js';
import { chunks, rowsPerStatement, X3Sql } from '../../tools/x3sim/sql.js';

const names = (schema: string) => (t: string) => `${schema}.sagesync_${t}`;

describe('X3 simulator SQL', () => {
  it('sends exact T-SQL on SQL Server (@p placeholders, TOP, OUTPUT, SYSUTCDATETIME)', () => {
    const sql = new X3Sql('mssql', names('dbo'));
    expect(sql.newOrders(50).sql).toBe(
      'SELECT TOP (50) staging_id, oro_order_id, order_identifier, po_number, oro_customer_id, erp_customer_code, currency, total ' +
        "FROM dbo.sagesync_order WHERE status = N'NEW' ORDER BY staging_id",
    );
    const fin = sql.finish('order', 'erp_order_number', [
      { stagingId: '7', status: 'DONE', code: 'SOH2600007', message: null },
      { stagingId: '8', status: 'ERROR', code: null, message: 'blocked' },
    ]);
    expect(fin.sql).toBe(
      'DECLARE @done TABLE (staging_id bigint); ' +
        'UPDATE t SET t.status = v.status, t.erp_order_number = COALESCE(v.code, t.erp_order_number), ' +
        't.erp_message = v.message, t.processed_at = SYSUTCDATETIME() OUTPUT inserted.staging_id INTO @done ' +
        'FROM dbo.sagesync_order AS t JOIN (VALUES (CAST(@p1 AS bigint), @p2, @p3, @p4), (CAST(@p5 AS bigint), @p6, @p7, @p8)) ' +
        "AS v(staging_id, status, code, message) ON t.staging_id = v.staging_id WHERE t.status = N'NEW'; " +
        'SELECT CONVERT(varchar(20), staging_id) AS staging_id FROM @done',
    );
    expect(fin.params).toEqual(['7', 'DONE', 'SOH2600007', null, '8', 'ERROR', null, 'blocked']);
    const ship = sql.insertShipments([
      {
        oroOrderId: null,
        erpOrderNumber: 'SOH2600007',
        orderIdentifier: null,
        carrier: 'UPS',
        trackingNumber: '1Z',
        deliveryNumber: 'SDH2600007',
      },
    ]);
    expect(ship.sql).toBe(
      'INSERT INTO dbo.sagesync_shipment (oro_order_id, erp_order_number, order_identifier, carrier, tracking_number, ' +
        'erp_delivery_number, shipped_at) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, SYSUTCDATETIME())',
    );
  });

  it('sends PostgreSQL SQL with $n placeholders, LIMIT and RETURNING', () => {
    const sql = new X3Sql('embedded', names('public'));
    expect(sql.newCustomers(10).sql).toBe(
      "SELECT staging_id, oro_customer_id, erp_customer_code, name FROM public.sagesync_customer WHERE status = 'NEW' " +
        'ORDER BY staging_id LIMIT 10',
    );
    const fin = sql.finish('customer', 'erp_customer_code', [
      { stagingId: '1', status: 'DONE', code: 'C00001', message: null },
    ]);
    expect(fin.sql).toContain(
      'FROM (VALUES ($1::bigint, $2, $3, $4)) AS v(staging_id, status, code, message)',
    );
    expect(fin.sql).toContain("AND t.status = 'NEW' RETURNING t.staging_id");
    expect(sql.knownCodes([4, 5]).params).toEqual([4, 5]);
    expect(sql.knownCodes([4, 5]).sql).toContain('oro_customer_id IN ($1, $2)');
  });

  it('keeps every statement under the SQL Server parameter limit (400 shipments × 6 was 2,400)', () => {
    const sql = new X3Sql('mssql', names('dbo'));
    const ship = {
      oroOrderId: null,
      erpOrderNumber: 'S',
      orderIdentifier: null,
      carrier: 'UPS',
      trackingNumber: 'T',
      deliveryNumber: null,
    };
    const parts = chunks(Array(1000).fill(ship), rowsPerStatement(6));
    expect(parts.map((p) => p.length)).toEqual([349, 349, 302]);
    for (const part of parts) expect(sql.insertShipments(part).params.length).toBeLessThanOrEqual(2098);
    const fin = { stagingId: '1', status: 'DONE' as const, code: 'x', message: null };
    for (const part of chunks(Array(3000).fill(fin), rowsPerStatement(4)))
      expect(sql.finish('order', 'erp_order_number', part).params.length).toBeLessThanOrEqual(2098);
  });
});

describe('X3-looking identifiers', () => {
  it('look like X3 codes and fit the contract columns', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(customerCode(42)).toBe('C00042');
    expect(orderNumber('123', now)).toBe('SOH2600123');
    expect(deliveryNumber('456', now)).toBe('SDH2600456');
    expect(orderNumber('123456789012', now).length).toBeLessThanOrEqual(20);
    expect(trackingNumber('UPS', '5')).toMatch(/^1Z[0-9A-Z]{16}$/);
    expect(trackingNumber('DHL', '5')).toMatch(/^\d{10}$/);
    expect(trackingNumber('FEDEX', '5')).toMatch(/^\d{12}$/);
    expect(new Set(['1', '2', '3'].map((id) => carrierFor(id, ['UPS', 'DHL', 'FEDEX'])))).toEqual(
      new Set(['UPS', 'DHL', 'FEDEX']),
    );
  });
});
