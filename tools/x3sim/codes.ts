/**
 * Identifiers that look like Sage X3's (field sizes: docs/contract/staging-tables.md):
 * customer codes `C00042` (BPCNUM, up to 15 characters), sales orders `SOH2600123` and deliveries
 * `SDH2600456` (SOHNUM/SDHNUM, up to 20). They are derived from stable ids so that a simulator
 * that is killed and restarted writes the same values again (useful to the chaos harness).
 */

/** `C` and the Oro customer id on at least five digits: one code per customer, never reused. */
export function customerCode(oroCustomerId: number): string {
  return `C${String(oroCustomerId).padStart(5, '0')}`;
}

/** Two-digit year, as X3 sequence counters commonly carry it (`SOH26…`). */
function yearDigits(now: Date): string {
  return String(now.getUTCFullYear() % 100).padStart(2, '0');
}

/** Sales order number from the staging id of the order row. */
export function orderNumber(stagingId: string, now: Date): string {
  return `SOH${yearDigits(now)}${stagingId.padStart(5, '0')}`;
}

/** Delivery number from the staging id of the order row it ships. */
export function deliveryNumber(orderStagingId: string, now: Date): string {
  return `SDH${yearDigits(now)}${orderStagingId.padStart(5, '0')}`;
}

export const CARRIERS = ['UPS', 'DHL', 'FEDEX'] as const;

/**
 * A tracking number in the carrier's usual shape: UPS `1Z` + 16 characters, DHL Express
 * 10 digits, FedEx 12 digits. Deterministic per order so a rerun never invents a second parcel.
 */
export function trackingNumber(carrier: string, orderStagingId: string): string {
  const n = BigInt(orderStagingId);
  switch (carrier.toUpperCase()) {
    case 'UPS':
      return `1ZX3S${String(n).padStart(13, '0')}`;
    case 'DHL':
      return String(1_000_000_000n + (n % 9_000_000_000n));
    case 'FEDEX':
      return String(700_000_000_000n + (n % 100_000_000_000n));
    default:
      return `${carrier.toUpperCase()}-${String(n).padStart(8, '0')}`;
  }
}

/** The carrier of an order: round robin over `carriers` by staging id. */
export function carrierFor(orderStagingId: string, carriers: readonly string[]): string {
  const i = Number(BigInt(orderStagingId) % BigInt(carriers.length));
  return carriers[i] ?? 'UPS';
}
