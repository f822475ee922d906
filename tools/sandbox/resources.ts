/**
 * Which resources the sandbox serves, their relationships, filters and sorters (docs/oro.md).
 * Relationship filters are implied: every association is filterable (docs/oro.md).
 */
import type { Profile } from './profile.js';

export type FieldKind =
  'id' | 'integer' | 'string' | 'text' | 'datetime' | 'boolean' | 'money' | 'addressType';

interface RelDef {
  type: string;
  many: boolean;
}

export interface ResourceDef {
  type: string;
  relationships: Record<string, RelDef>;
  /** Filterable attributes (besides `id` and every relationship). */
  filters: Record<string, FieldKind>;
  /** String filters that accept lists (`allow_array`, docs/oro.md), compared case-insensitively. */
  arrayStrings?: string[];
  sorters: string[];
  /** Actions besides GET (docs/oro.md: others answer 405). */
  update?: boolean;
  create?: boolean;
  /** Ids are strings (enum options, units): `filter[id]` takes one literal value, no list. */
  stringIds?: boolean;
  /** Paging disabled (`disable_paging`): `page[size]`/`page[number]` are a 400. */
  noPaging?: boolean;
  /**
   * Filters on a relationship of a related resource (Oro's `property_path`, e.g. a line item's
   * `customer` is `orders.customer`): integer ids, lists allowed, `=` and `!=` only.
   */
  via?: Record<string, { through: string; rel: string }>;
}

const one = (type: string): RelDef => ({ type, many: false });
const many = (type: string): RelDef => ({ type, many: true });

export function resourceDefs(profile: Profile): Map<string, ResourceDef> {
  // Order↔OrderLineItem and Order↔OrderShippingTracking are many-to-many since 6.1 (orocommerce
  // 6.1.0 CHANGELOG.md).
  const orderLink: Record<string, RelDef> =
    profile.family === '6.0' ? { order: one('orders') } : { orders: many('orders') };
  // Customer users and addresses have no `updatedAt` filter or sorter on 6.0/6.1 (no index, none
  // configured: oroinc/customer-portal src/Oro/Bundle/CustomerBundle/Resources/config/oro/api.yml
  // @6.0.10 / @6.1.0); `filter[updatedAt]` or `sort=updatedAt` there is a 400.
  const ext: Record<string, FieldKind> = profile.externalId ? { externalId: 'string' } : {};
  const defs: ResourceDef[] = [
    {
      type: 'customers',
      relationships: {
        parent: one('customers'),
        children: many('customers'),
        users: many('customerusers'),
        addresses: many('customeraddresses'),
        group: one('customergroups'),
        owner: one('users'),
        organization: one('organizations'),
        salesRepresentatives: many('users'),
        internal_rating: one('customerratings'),
        paymentTerm: one('paymentterms'),
      },
      filters: { name: 'string', createdAt: 'datetime', updatedAt: 'datetime', ...ext },
      arrayStrings: ['externalId'],
      sorters: ['id', 'name', 'createdAt', 'updatedAt'],
      update: true,
    },
    {
      type: 'customerusers',
      relationships: {
        customer: one('customers'),
        userRoles: many('customeruserroles'),
        addresses: many('customeruseraddresses'),
        owner: one('users'),
        salesRepresentatives: many('users'),
        organization: one('organizations'),
      },
      filters: { email: 'string', ...ext },
      sorters: ['id', 'email'],
      // PATCH of custom fields (SandboxOptions.customResourceFields), for custom pull streams.
      update: true,
    },
    {
      type: 'customeraddresses',
      relationships: {
        customer: one('customers'),
        country: one('countries'),
        region: one('regions'),
        owner: one('users'),
        systemOrganization: one('organizations'),
      },
      filters: { addressType: 'addressType', customRegion: 'string' },
      sorters: ['id'],
    },
    {
      type: 'orders',
      relationships: {
        customer: one('customers'),
        customerUser: one('customerusers'),
        billingAddress: one('orderaddresses'),
        shippingAddress: one('orderaddresses'),
        lineItems: many('orderlineitems'),
        discounts: many('orderdiscounts'),
        shippingTrackings: many('ordershippingtrackings'),
        paymentTerm: one('paymentterms'),
        internalStatus: one('orderinternalstatuses'),
        status: one('orderstatuses'),
        ...(profile.shippingStatus ? { shippingStatus: one('ordershippingstatuses') } : {}),
        parent: one('orders'),
        subOrders: many('orders'),
        owner: one('users'),
        organization: one('organizations'),
      },
      filters: {
        identifier: 'string',
        poNumber: 'string',
        external: 'boolean',
        createdAt: 'datetime',
        updatedAt: 'datetime',
        ...ext,
      },
      arrayStrings: ['identifier', 'poNumber', 'externalId'],
      sorters: ['id', 'identifier', 'createdAt', 'updatedAt', 'external'],
    },
    {
      type: 'orderlineitems',
      relationships: {
        ...orderLink,
        product: one('products'),
        parentProduct: one('products'),
        productUnit: one('productunits'),
        kitItemLineItems: many('orderproductkititemlineitems'),
      },
      filters: { createdAt: 'datetime', updatedAt: 'datetime' },
      sorters: ['id', 'createdAt', 'updatedAt'],
      // From 6.1.0 only: `customer` and `customerUser` by `orders.customer` / `orders.customerUser`,
      // data_type integer, allow_array, operators = and != (oroinc/orocommerce
      // src/Oro/Bundle/OrderBundle/Resources/config/oro/api.yml @6.1.0; absent @6.0.10).
      ...(profile.family === '6.1'
        ? {
            via: {
              customer: { through: 'orders', rel: 'customer' },
              customerUser: { through: 'orders', rel: 'customerUser' },
            },
          }
        : {}),
    },
    {
      // oroinc/orocommerce src/Oro/Bundle/OrderBundle/Resources/doc/api/order_product_kit_item_line_item.md @6.1.0
      type: 'orderproductkititemlineitems',
      relationships: {
        lineItem: one('orderlineitems'),
        kitItem: one('productkititems'),
        product: one('products'),
        productUnit: one('productunits'),
      },
      filters: {},
      sorters: ['id'],
    },
    {
      type: 'orderaddresses',
      relationships: {
        country: one('countries'),
        region: one('regions'),
        customerAddress: one('customeraddresses'),
        customerUserAddress: one('customeruseraddresses'),
      },
      filters: { createdAt: 'datetime', updatedAt: 'datetime' },
      sorters: ['id', 'createdAt', 'updatedAt'],
    },
    {
      type: 'ordershippingtrackings',
      relationships: { ...orderLink },
      filters: {},
      sorters: ['id'],
      create: true,
    },
    // Paging disabled on the status lists (oroinc/orocommerce
    // src/Oro/Bundle/OrderBundle/Resources/config/oro/api.yml @6.1.0: disable_paging / page_size -1).
    ...[
      'orderinternalstatuses',
      'orderstatuses',
      ...(profile.shippingStatus ? ['ordershippingstatuses'] : []),
    ].map((type): ResourceDef => ({
      type,
      relationships: {},
      filters: {},
      sorters: ['id', 'priority'],
      stringIds: true,
      noPaging: true,
    })),
    ...productDefs(),
  ];
  return new Map(defs.map((d) => [d.type, d]));
}

/** Products and what they link to (tools/sandbox/products.ts), for custom push streams. */
function productDefs(): ResourceDef[] {
  return [
    {
      type: 'products',
      relationships: {
        names: many('productnames'),
        primaryUnitPrecision: one('productunitprecisions'),
        unitPrecisions: many('productunitprecisions'),
        inventory_status: one('prodinventorystatuses'),
        owner: one('businessunits'),
        organization: one('organizations'),
      },
      filters: {
        sku: 'string',
        status: 'string',
        featured: 'boolean',
        createdAt: 'datetime',
        updatedAt: 'datetime',
      },
      arrayStrings: ['sku'],
      sorters: ['id', 'sku', 'createdAt', 'updatedAt'],
      update: true,
    },
    {
      type: 'productnames',
      relationships: { localization: one('localizations') },
      filters: {},
      sorters: ['id'],
    },
    {
      type: 'productunitprecisions',
      relationships: { unit: one('productunits') },
      filters: {},
      sorters: ['id'],
    },
    { type: 'productunits', relationships: {}, filters: {}, sorters: ['id'], stringIds: true },
    {
      type: 'prodinventorystatuses',
      relationships: {},
      filters: {},
      sorters: ['id', 'priority'],
      stringIds: true,
    },
    { type: 'customergroups', relationships: {}, filters: { name: 'string' }, sorters: ['id', 'name'] },
    { type: 'paymentterms', relationships: {}, filters: { label: 'string' }, sorters: ['id', 'label'] },
  ];
}
