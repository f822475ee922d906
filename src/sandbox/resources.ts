/**
 * Which resources the sandbox serves, their relationships, filters and sorters (fact sheet §3, §7).
 * Relationship filters are implied: every association is filterable (fact sheet §3).
 */
import type { SandboxApiVersion } from './types.js';

export type FieldKind =
  'id' | 'integer' | 'string' | 'text' | 'datetime' | 'boolean' | 'money' | 'addressType';

export interface RelDef {
  type: string;
  many: boolean;
}

export interface ResourceDef {
  type: string;
  relationships: Record<string, RelDef>;
  /** Filterable attributes (besides `id` and every relationship). */
  filters: Record<string, FieldKind>;
  /** String filters that accept lists (`allow_array`, fact sheet §3), compared case-insensitively. */
  arrayStrings?: string[];
  sorters: string[];
  /** Actions besides GET (fact sheet §6: others answer 405). */
  update?: boolean;
  create?: boolean;
}

const one = (type: string): RelDef => ({ type, many: false });
const many = (type: string): RelDef => ({ type, many: true });

export function resourceDefs(version: SandboxApiVersion): Map<string, ResourceDef> {
  // Fact sheet §7.5: Order↔OrderLineItem and Order↔OrderShippingTracking are many-to-many since 6.1.
  const orderLink: Record<string, RelDef> =
    version === '6.0' ? { order: one('orders') } : { orders: many('orders') };
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
      filters: { name: 'string', createdAt: 'datetime', updatedAt: 'datetime', externalId: 'string' },
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
      // updatedAt: unverified on real Oro (fact sheet §7.2); served here.
      filters: { email: 'string', createdAt: 'datetime', updatedAt: 'datetime', externalId: 'string' },
      sorters: ['id', 'email', 'createdAt', 'updatedAt'],
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
      filters: {
        addressType: 'addressType',
        customRegion: 'string',
        createdAt: 'datetime',
        updatedAt: 'datetime',
      },
      sorters: ['id', 'createdAt', 'updatedAt'],
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
        shippingStatus: one('ordershippingstatuses'),
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
        externalId: 'string',
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
    {
      type: 'orderinternalstatuses',
      relationships: {},
      filters: {},
      sorters: ['id', 'priority'],
    },
    ...productDefs(),
  ];
  return new Map(defs.map((d) => [d.type, d]));
}

/** Products and what they link to (src/sandbox/products.ts), for custom push streams. */
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
    { type: 'productunits', relationships: {}, filters: {}, sorters: ['id'] },
    { type: 'prodinventorystatuses', relationships: {}, filters: {}, sorters: ['id', 'priority'] },
    { type: 'customergroups', relationships: {}, filters: { name: 'string' }, sorters: ['id', 'name'] },
    { type: 'paymentterms', relationships: {}, filters: { label: 'string' }, sorters: ['id', 'label'] },
  ];
}
