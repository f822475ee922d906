/**
 * Column specs of the contract's direction-1 tables (staging-tables.md) from Oro's Admin API
 * resources as their `api.yml` files configure them at 6.1.0 (customer-portal
 * `src/Oro/Bundle/CustomerBundle/Resources/config/oro/api.yml`: customers, customer addresses;
 * orocommerce `src/Oro/Bundle/OrderBundle/Resources/config/oro/api.yml`: orders, orderlineitems,
 * orderaddresses). docs/push.md shows the same mapping as a table.
 */
import { ADDRESS_PARTS, CUSTOMER, ORDER, ORDER_LINE } from '../../staging/tables.js';
import type { ColumnSource, RecordSpec } from './mapper.js';

/** Oro address attribute or relationship per contract address part. */
const ADDRESS_SOURCES: Record<(typeof ADDRESS_PARTS)[number], ColumnSource> = {
  organization: { path: 'organization' },
  first_name: { path: 'firstName' },
  last_name: { path: 'lastName' },
  street: { path: 'street' },
  street2: { path: 'street2' },
  city: { path: 'city' },
  postal_code: { path: 'postalCode' },
  // Region relationship id is `US-NY`; a free-text `customRegion` is used when there is none.
  region_code: { path: ['region', 'customRegion'], transform: 'regionCode' },
  // Country relationship id is the ISO 3166-1 alpha-2 code.
  country_code: { path: 'country' },
  phone: { path: 'phone' },
};

/** `bill_*` / `ship_*` columns read through a relationship (`billingAddress`, …). */
function addressColumns(prefix: 'bill' | 'ship', via: string): Record<string, ColumnSource> {
  const out: Record<string, ColumnSource> = {};
  for (const part of ADDRESS_PARTS) {
    const src = ADDRESS_SOURCES[part];
    if (!('path' in src)) continue;
    const paths = typeof src.path === 'string' ? [src.path] : src.path;
    out[`${prefix}_${part}`] = { ...src, path: paths.map((p) => `${via}.${p}`) };
  }
  return out;
}

export const ORDER_SPEC: RecordSpec = {
  table: ORDER,
  customAttributesColumn: 'custom_attributes',
  columns: {
    oro_order_id: { path: 'id' },
    order_identifier: { path: 'identifier' },
    po_number: { path: 'poNumber' },
    customer_notes: { path: 'customerNotes' },
    oro_customer_id: { path: 'customer' },
    erp_customer_code: { context: 'erpCustomerCode' },
    oro_customer_user_id: { path: 'customerUser' },
    customer_user_email: { path: 'customerUser.email' },
    currency: { path: 'currency' },
    subtotal: { path: 'subtotalValue' },
    total: { path: 'totalValue' },
    shipping_cost: { path: ['overriddenShippingCostAmount', 'estimatedShippingCostAmount'] },
    shipping_method: { path: 'shippingMethod' },
    // The back-office API has no payment method or status (only the storefront's has:
    // orocommerce 6.1.0 OrderBundle `api.yml` against `api_frontend.yml`); the order's
    // payment term is what it offers, and payment_status stays null.
    payment_method: { path: 'paymentTerm.label' },
    payment_status: { constant: null },
    ship_until: { path: 'shipUntil' },
    order_created_at: { path: 'createdAt' },
    ...addressColumns('bill', 'billingAddress'),
    ...addressColumns('ship', 'shippingAddress'),
    // The main order of a sub-order (`parent`, orders, since 6.0: oroinc/orocommerce
    // src/Oro/Bundle/OrderBundle/Entity/Order.php @6.0.0).
    parent_oro_order_id: { path: 'parent' },
  },
};

export const ORDER_LINE_SPEC: RecordSpec = {
  table: ORDER_LINE,
  customAttributesColumn: 'custom_attributes',
  columns: {
    oro_order_id: { context: 'oroOrderId' },
    oro_line_item_id: { path: 'id' },
    line_number: { context: 'lineNumber' },
    sku: { path: 'productSku' },
    product_name: { path: 'productName' },
    quantity: { path: 'quantity' },
    unit_code: { path: ['productUnitCode', 'productUnit'] },
    unit_price: { path: 'value' },
    currency: { path: 'currency' },
    ship_by: { path: 'shipBy' },
    kit_items: { context: 'kitItems' },
  },
};

/** Supplied by the store (foreign key to the inserted header). */
export const LINE_SUPPLIED = ['order_staging_id'];

/**
 * The customer row. `defaultBillingAddress` is a relationship the job adds to the customer
 * resource after reading its addresses (see customer-snapshot.ts); `mainContact` likewise.
 */
export const CUSTOMER_SPEC: RecordSpec = {
  table: CUSTOMER,
  customAttributesColumn: 'custom_attributes',
  columns: {
    oro_customer_id: { path: 'id' },
    erp_customer_code: { context: 'erpCustomerCode' },
    name: { path: 'name' },
    parent_oro_customer_id: { path: 'parent' },
    group_name: { path: 'group.name' },
    payment_term: { path: 'paymentTerm.label' },
    email: { path: 'mainContact.email' },
    phone: { path: 'defaultBillingAddress.phone' },
    ...addressColumns('bill', 'defaultBillingAddress'),
    reason: { context: 'reason' },
    payload_hash: { context: 'payloadHash' },
  },
};

/** Business columns of the customer row: what the default snapshot hash covers. */
export const CUSTOMER_BUSINESS_COLUMNS = [
  'name',
  'parent_oro_customer_id',
  'group_name',
  'payment_term',
  'email',
  'phone',
  ...ADDRESS_PARTS.map((p) => `bill_${p}`),
  'custom_attributes',
] as const;
