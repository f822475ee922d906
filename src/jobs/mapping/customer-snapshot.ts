/**
 * A customer's snapshot row (`sagesync_customer`) and its payload hash.
 *
 * Oro exposes a customer's default billing address only through `customeraddresses` with `types:
 * [{addressType: 'billing', default: true}]` (customer-portal 6.1.0
 * `src/Oro/Bundle/CustomerBundle/Resources/config/oro/api.yml`, customeraddresses `types`), so the
 * job reads the addresses (and the customer's users, for the main contact e-mail) and this module
 * links the chosen ones to the customer as two synthetic relationships, `defaultBillingAddress`
 * and `mainContact`, which CUSTOMER_SPEC reads like any other path.
 */
import { createHash } from 'node:crypto';
import type { JsonApiResource } from '../../oro/types.js';
import type { Row } from '../../staging/store.js';
import { CUSTOMER } from '../../staging/tables.js';
import { mapRecord, type MapResult } from './mapper.js';
import { resolvePath, type ResourceLookup } from './paths.js';
import { CUSTOMER_BUSINESS_COLUMNS, CUSTOMER_SPEC } from './specs.js';

interface AddressType {
  addressType?: unknown;
  default?: unknown;
}

const byId = (a: JsonApiResource, b: JsonApiResource): number => Number(a.id) - Number(b.id);

/** The default billing address; else the first billing one; else none (shipping-only is not billing). */
export function pickBillingAddress(addresses: readonly JsonApiResource[]): JsonApiResource | null {
  const types = (a: JsonApiResource): AddressType[] =>
    Array.isArray(a.attributes.types) ? (a.attributes.types as AddressType[]) : [];
  const billing = [...addresses].sort(byId).filter((a) => types(a).some((t) => t.addressType === 'billing'));
  return (
    billing.find((a) => types(a).some((t) => t.addressType === 'billing' && t.default === true)) ??
    billing[0] ??
    null
  );
}

/** The main contact: the first enabled customer user (lowest id). */
export function pickMainContact(users: readonly JsonApiResource[]): JsonApiResource | null {
  const sorted = [...users].sort(byId);
  return sorted.find((u) => u.attributes.enabled !== false) ?? null;
}

/** A copy of the customer with the synthetic relationships set. */
export function withContacts(
  customer: JsonApiResource,
  billing: JsonApiResource | null,
  contact: JsonApiResource | null,
): JsonApiResource {
  const ref = (r: JsonApiResource | null) => ({ data: r ? { type: r.type, id: r.id } : null });
  return {
    ...customer,
    relationships: {
      ...customer.relationships,
      defaultBillingAddress: ref(billing),
      mainContact: ref(contact),
    },
  };
}

function canonical(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

/**
 * SHA-256 (hex) over the watched values in a canonical (sorted) order. `watch` entries are
 * contract columns (`name`, `bill_city`) or Oro paths on the customer (`internal_rating`).
 */
function snapshotHash(
  row: Row,
  watch: readonly string[] | undefined,
  customer: JsonApiResource,
  lookup: ResourceLookup,
  /**
   * Receives the to-many lists a watched path needs read whole (src/oro/to-many.ts), as
   * MapResult.missing: a watched list is never hashed from part of it.
   */
  missing?: string[],
): string {
  const columns = new Set(CUSTOMER.columns.map((c) => c.name));
  const keys = [...(watch ?? CUSTOMER_BUSINESS_COLUMNS)].sort();
  const pairs = keys.map((k) => {
    if (columns.has(k)) return [k, canonical(row[k] ?? null)];
    const r = resolvePath(customer, k, lookup);
    if (!r.found && r.missing.includes('/')) missing?.push(r.missing.replace(' ', ':'));
    return [k, r.found ? canonical(r.value) : null];
  });
  return createHash('sha256').update(JSON.stringify(pairs)).digest('hex');
}

export interface CustomerMapOptions {
  reason: 'order' | 'change' | 'manual';
  erpCustomerCode: string | null;
  customAttributes: Readonly<Record<string, string>>;
  watch: readonly string[] | undefined;
}

/** Maps a customer (already `withContacts`) to its row, hash included. */
export function mapCustomer(
  customer: JsonApiResource,
  lookup: ResourceLookup,
  o: CustomerMapOptions,
): MapResult {
  const result = mapRecord(CUSTOMER_SPEC, {
    root: customer,
    lookup,
    customAttributes: o.customAttributes,
    context: { reason: o.reason, erpCustomerCode: o.erpCustomerCode, payloadHash: '0'.repeat(64) },
  });
  result.row.payload_hash = snapshotHash(result.row, o.watch, customer, lookup, result.missing);
  return result;
}
