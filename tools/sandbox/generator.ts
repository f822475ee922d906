/**
 * Deterministic data sets (seeded): customers with parent hierarchies, addresses with default
 * billing/shipping types, customer users, orders of 1–20 lines, and the tricky inputs of
 * STYLE.md (unicode and emoji, quotes and SQL metacharacters, overlong strings, nulls, many
 * orders sharing one `updatedAt`). Shapes follow the docs/oro.md
 */
import { money, oroDateTime } from './format.js';
import { int, pick, type Rng } from './random.js';
import type { DataStore, Rec, Ref } from './store.js';
import type { Profile } from './profile.js';
import type { CustomFieldType, SeedOptions } from './types.js';

const COMPANIES = [
  'Acme Corp',
  'Müller & Söhne GmbH',
  'Łódź Hurtownia Sp. z o.o.',
  '東京商事株式会社',
  "O'Brien Supplies",
  'Robert"); DROP TABLE orders;-- Ltd',
  'Café Ñandú 🚀 S.A.',
  'Société Générale d’Équipement',
  'Ünïcødé 😀 Trading',
  '50% Off; SELECT * FROM x',
];
const FIRST = ['Anna', 'José', 'Zoë', 'Øyvind', 'Siân', 'Jürgen', '李', 'Renée', "D'Arcy", 'Chloé'];
const LAST = ['Smith', 'Nuñez', "O'Neil", 'Kowalski', 'Dvořák', '王', 'Åberg', 'Lefèvre', 'Grüß', 'Ng'];
const CITIES = ['New York', 'München', 'Kraków', 'Zürich', 'São Paulo', '大阪', "L'Aquila", 'Reykjavík'];
const COUNTRIES: [string, string | null][] = [
  ['US', 'US-NY'],
  ['US', 'US-CA'],
  ['DE', 'DE-BY'],
  ['FR', null],
  ['PL', null],
  ['JP', null],
  ['GB', null],
];
const PRODUCTS = [
  'Widget',
  'Gadget ⚙️',
  'Schraube M8×40',
  'Vis «inox»',
  'Drill 18V',
  "Rock'n'Roll Kit",
  'Ñoño ✓',
];
const NOTES = [
  null,
  'Deliver after 10:00',
  'Fragile — handle with care 📦',
  'Tür 3; "Hof"',
  "'; DELETE FROM x; --",
  null,
];

export interface GenContext {
  store: DataStore;
  rng: Rng;
  profile: Profile;
  customFields: Record<string, CustomFieldType>;
  base: string;
  longStrings: boolean;
  nullRate: number;
}

const long = (text: string, n: number): string => text.repeat(Math.ceil(n / text.length)).slice(0, n);

export function generate(ctx: GenContext, o: SeedOptions): void {
  const { store, rng } = ctx;
  ctx.profile.internalStatuses.forEach(([id, name], i) => {
    store.add('orderinternalstatuses', { name, default: id === 'open', priority: i + 1 }, {}, id);
  });
  if (ctx.profile.shippingStatus) {
    ['not_shipped', 'shipped', 'partially_shipped'].forEach((id, i) =>
      store.add(
        'ordershippingstatuses',
        { name: id.replace('_', ' '), default: i === 0, priority: i + 1 },
        {},
        id,
      ),
    );
  }
  const orders = o.orders ?? 20;
  const start = Date.parse(o.start ?? '2025-01-06T08:00:00Z');
  const customers = o.customers ?? Math.max(3, Math.floor(orders / 5));
  for (let i = 0; i < customers; i++) {
    addCustomer(ctx, { at: start - (customers - i) * 3_600_000 });
  }
  const same = Math.max(1, o.sameUpdatedAt ?? 3);
  const [minLines, maxLines] = o.linesPerOrder ?? [1, 20];
  for (let i = 0; i < orders; i++) {
    // Groups of `same` orders share one second; about 1 in 5 was edited later (id order ≠ updatedAt order).
    let at = start + Math.floor(i / same) * 60_000;
    if (rng() < 0.2) at += int(rng, 1, 30) * 60_000;
    addOrder(ctx, { lines: int(rng, minLines, maxLines), at });
  }
  // After the others, so that a seed's other orders stay the same with or without them.
  const last = start + Math.floor(orders / same) * 60_000;
  for (let i = 0; i < (o.bigOrders ?? 0); i++) {
    addOrder(ctx, { lines: int(rng, 100, 250), at: last + (i + 1) * 60_000 });
  }
}

/** What customers link to (docs/oro.md): groups by `name`, payment terms by `label`. */
function ensureCustomerReferences(store: GenContext['store']): void {
  if (store.table('customergroups').size > 0) return;
  ['Wholesale', 'Retail', 'Partners'].forEach((name, i) =>
    store.add('customergroups', { name }, {}, String(i + 1)),
  );
  ['Net 30', 'Net 60'].forEach((label, i) => store.add('paymentterms', { label }, {}, String(i + 1)));
}

export function addCustomer(
  ctx: GenContext,
  o: { at: number; name?: string; parentId?: string; attributes?: Record<string, unknown> },
): Rec {
  const { store, rng } = ctx;
  ensureCustomerReferences(store);
  const table = store.table('customers');
  const ts = oroDateTime(o.at);
  let parent: Ref | null = null;
  if (o.parentId) parent = { type: 'customers', id: o.parentId };
  else if (table.size > 0 && rng() < 0.3) parent = { type: 'customers', id: String(int(rng, 1, table.size)) };
  const n = table.size + 1;
  const name =
    o.name ??
    (ctx.longStrings && rng() < 0.1 ? long(`${pick(rng, COMPANIES)} `, 300) : `${pick(rng, COMPANIES)} ${n}`);
  const custom: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(ctx.customFields)) {
    custom[field] = type === 'money' && rng() < 0.5 ? money(int(rng, 1, 500) * 1_000_000) : null;
  }
  const c = store.add(
    'customers',
    {
      name,
      createdAt: ts,
      updatedAt: ts,
      ...(ctx.profile.externalId
        ? { externalId: rng() < 0.5 ? `X3-C${String(n).padStart(5, '0')}` : null }
        : {}),
      ...custom,
      ...o.attributes,
    },
    {
      parent,
      children: [],
      users: [],
      addresses: [],
      group: { type: 'customergroups', id: String(int(rng, 1, 3)) },
      owner: { type: 'users', id: '1' },
      organization: { type: 'organizations', id: '1' },
      salesRepresentatives: [],
      internal_rating: rng() < 0.5 ? { type: 'customerratings', id: `${int(rng, 1, 5)}_of_5` } : null,
      paymentTerm: rng() < 0.5 ? { type: 'paymentterms', id: String(int(rng, 1, 2)) } : null,
    },
  );
  if (parent) {
    const p = store.get('customers', parent.id);
    if (p) store.link(p, 'children', { type: 'customers', id: c.id });
  }
  const addresses = int(rng, 1, 3);
  for (let a = 0; a < addresses; a++) {
    const types =
      a === 0
        ? [
            { addressType: 'billing', default: true },
            { addressType: 'shipping', default: true },
          ]
        : [{ addressType: rng() < 0.5 ? 'billing' : 'shipping', default: false }];
    const addr = store.add(
      'customeraddresses',
      { label: `Address ${a + 1}`, ...addressAttributes(ctx, ts), primary: a === 0, types },
      {
        customer: { type: 'customers', id: c.id },
        ...addressRels(ctx),
        owner: { type: 'users', id: '1' },
        systemOrganization: { type: 'organizations', id: '1' },
      },
    );
    store.link(c, 'addresses', { type: 'customeraddresses', id: addr.id });
  }
  const users = int(rng, 1, 3);
  for (let u = 0; u < users; u++) {
    const cu = store.add(
      'customerusers',
      {
        email: `user${store.table('customerusers').size + 1}@example.com`,
        firstName: pick(rng, FIRST),
        lastName: pick(rng, LAST),
        namePrefix: null,
        middleName: null,
        nameSuffix: null,
        birthday: null,
        enabled: true,
        confirmed: true,
        isGuest: false,
        createdAt: ts,
        updatedAt: ts,
        loginCount: int(rng, 0, 50),
        lastLogin: null,
        passwordRequestedAt: null,
        passwordChangedAt: null,
        ...(ctx.profile.externalId ? { externalId: null } : {}),
      },
      {
        customer: { type: 'customers', id: c.id },
        userRoles: [{ type: 'customeruserroles', id: '1' }],
        addresses: [],
        owner: { type: 'users', id: '1' },
        salesRepresentatives: [],
        organization: { type: 'organizations', id: '1' },
      },
    );
    store.link(c, 'users', { type: 'customerusers', id: cu.id });
  }
  store.changed(c);
  return c;
}

function addressAttributes(ctx: GenContext, ts: string): Record<string, unknown> {
  const { rng } = ctx;
  return {
    street: `${int(rng, 1, 999)} ${pick(rng, ['Main St', 'Hauptstraße', 'ul. Długa', "Rue de l'Église"])}`,
    street2: rng() < 0.3 ? 'Suite 5 "B"' : null,
    city: pick(rng, CITIES),
    postalCode: String(int(rng, 10000, 99999)),
    organization: rng() < 0.5 ? pick(rng, COMPANIES) : null,
    namePrefix: null,
    firstName: pick(rng, FIRST),
    middleName: null,
    lastName: pick(rng, LAST),
    nameSuffix: null,
    phone: rng() < 0.7 ? `+1 555-${int(rng, 1000, 9999)}` : null,
    customRegion: null,
    createdAt: ts,
    updatedAt: ts,
    ...(ctx.profile.family === '6.1' ? { validatedAt: null } : {}),
  };
}

function addressRels(ctx: GenContext): Rec['relationships'] {
  const [country, region] = pick(ctx.rng, COUNTRIES);
  return {
    country: { type: 'countries', id: country },
    region: region ? { type: 'regions', id: region } : null,
  };
}

export interface NewOrder {
  at: number;
  lines: number;
  customerId?: string;
  attributes?: Record<string, unknown>;
  /** How many of the lines (the first ones) are product kits with 2–3 components each. */
  kitLines?: number;
}

export function addOrder(ctx: GenContext, o: NewOrder): Rec {
  const { store, rng } = ctx;
  const customerId = o.customerId ?? String(int(rng, 1, store.table('customers').size));
  const customer = store.get('customers', customerId);
  if (!customer) throw new Error(`sandbox: no customer ${customerId}`);
  const users = (customer.relationships['users'] as Ref[] | null) ?? [];
  const customerUser = users.length > 0 && rng() >= ctx.nullRate ? pick(rng, users) : null;
  const updatedAt = oroDateTime(o.at);
  const createdAt = oroDateTime(o.at - int(rng, 0, 120) * 60_000);
  const currency = rng() < 0.8 ? 'USD' : 'EUR';
  const n = store.table('orders').size + 1;
  const orderAddress = (): Ref | null => {
    if (rng() < ctx.nullRate / 2) return null;
    const a = store.add(
      'orderaddresses',
      { label: null, ...addressAttributes(ctx, createdAt), fromExternalSource: false },
      {
        ...addressRels(ctx),
        customerAddress: null,
        customerUserAddress: null,
      },
    );
    return { type: 'orderaddresses', id: a.id };
  };
  const billingAddress = orderAddress();
  const shippingAddress = orderAddress();
  const orderId = String((store.tables.get('orders')?.size ?? 0) + 1);
  const orderRef: Ref = { type: 'orders', id: orderId };
  const lineRefs: Ref[] = [];
  let subtotal = 0n;
  for (let l = 0; l < o.lines; l++) {
    const quantity = int(rng, 1, 50);
    const unitPrice = int(rng, 5_000, 9_999_999); // 0.5000 … 999.9999
    subtotal += BigInt(quantity) * BigInt(unitPrice);
    const productId = int(rng, 1, 500);
    const line = store.add(
      'orderlineitems',
      {
        productSku: rng() < 0.05 ? `SKU-'${productId}";--` : `SKU-${productId}`,
        productName:
          ctx.longStrings && rng() < 0.1
            ? long(`${pick(rng, PRODUCTS)} `, 400)
            : `${pick(rng, PRODUCTS)} ${productId}`,
        productVariantFields: {},
        freeFormProduct: null,
        quantity,
        productUnitCode: pick(rng, ['item', 'set', 'kg']),
        value: money(unitPrice),
        currency,
        priceType: 10,
        shipBy: null,
        fromExternalSource: false,
        comment: rng() < 0.1 ? 'Bitte „schnell“ 🚚' : null,
        createdAt,
        updatedAt: createdAt,
      },
      {
        ...(ctx.profile.family === '6.0' ? { order: orderRef } : { orders: [orderRef] }),
        product: { type: 'products', id: String(productId) },
        parentProduct: null,
        productUnit: { type: 'productunits', id: 'item' },
        kitItemLineItems: [],
      },
    );
    if (l < (o.kitLines ?? 0)) addKitItems(ctx, line, currency);
    lineRefs.push({ type: 'orderlineitems', id: line.id });
  }
  const shipping = BigInt(int(rng, 0, 50)) * 10_000n;
  const notes = ctx.longStrings && rng() < 0.1 ? long('Très long commentaire 😀 ', 10_000) : pick(rng, NOTES);
  const order = store.add(
    'orders',
    {
      identifier: `SO-${String(n).padStart(6, '0')}`,
      poNumber:
        ctx.longStrings && rng() < 0.05 ? long('PO-', 255) : rng() < 0.7 ? `PO-${int(rng, 100, 999)}` : null,
      customerNotes: notes,
      shipUntil: null,
      currency,
      subtotalValue: money(subtotal),
      totalValue: money(subtotal + shipping),
      subtotalWithDiscountsValue: money(subtotal),
      totalDiscountsAmount: null,
      shippingMethod: shipping > 0n ? 'flat_rate_1' : null,
      shippingMethodType: shipping > 0n ? 'primary' : null,
      estimatedShippingCostAmount: shipping > 0n ? money(shipping) : null,
      overriddenShippingCostAmount: null,
      sourceEntityIdentifier: null,
      external: false,
      ...(ctx.profile.externalId ? { externalId: null } : {}),
      createdAt,
      updatedAt,
      ...o.attributes,
    },
    {
      customer: { type: 'customers', id: customerId },
      customerUser,
      billingAddress,
      shippingAddress,
      lineItems: lineRefs,
      discounts: [],
      shippingTrackings: [],
      paymentTerm: null,
      internalStatus: {
        type: 'orderinternalstatuses',
        // `pending` exists only from 6.1 (tools/sandbox/profile.ts).
        id: rng() < 0.9 ? 'open' : ctx.profile.family === '6.0' ? 'closed' : 'pending',
      },
      status: null,
      ...(ctx.profile.shippingStatus
        ? { shippingStatus: { type: 'ordershippingstatuses', id: 'not_shipped' } }
        : {}),
      parent: null,
      subOrders: [],
      owner: { type: 'users', id: '1' },
      organization: { type: 'organizations', id: '1' },
    },
  );
  if (order.id !== orderId) throw new Error('sandbox: order ids out of step');
  return order;
}

/**
 * A product-kit line's components (`kitItemLineItems` → orderproductkititemlineitems, fields of
 * oroinc/orocommerce src/Oro/Bundle/OrderBundle/Resources/doc/api/order_product_kit_item_line_item.md @6.1.0).
 */
function addKitItems(ctx: GenContext, line: Rec, currency: string): void {
  const { store, rng } = ctx;
  line.attributes['productSku'] = `KIT-${line.id}`;
  const count = int(rng, 2, 3);
  for (let k = 0; k < count; k++) {
    const productId = int(rng, 1, 500);
    const item = store.add(
      'orderproductkititemlineitems',
      {
        kitItemLabel: k === 0 ? 'Base Unit' : `Option ${k}`,
        optional: k > 0,
        productSku: `SKU-${productId}`,
        productName: `${pick(rng, PRODUCTS)} ${productId}`,
        quantity: int(rng, 1, 3),
        productUnitCode: 'item',
        sortOrder: k + 1,
        value: money(int(rng, 5_000, 999_999)),
        currency,
      },
      {
        lineItem: { type: 'orderlineitems', id: line.id },
        kitItem: { type: 'productkititems', id: String(k + 1) },
        product: { type: 'products', id: String(productId) },
        productUnit: { type: 'productunits', id: 'item' },
      },
    );
    store.link(line, 'kitItemLineItems', { type: 'orderproductkititemlineitems', id: item.id });
  }
}

/**
 * Multi-shipping "create sub-orders for each group" (oroinc/orocommerce
 * src/Oro/Bundle/CheckoutBundle/DataProvider/Converter/CheckoutToOrderConverter.php @6.1.0): a
 * main order holding every line, and one sub-order per group with its own copies of that group's
 * lines, linked by `parent` / `subOrders`. Returns the main order and its sub-orders.
 */
export function addSplitOrder(
  ctx: GenContext,
  o: { at: number; subOrdersAt?: number; groups: number[]; customerId?: string },
): { main: Rec; subs: Rec[] } {
  const { store } = ctx;
  const total = o.groups.reduce((a, b) => a + b, 0);
  const main = addOrder(ctx, {
    at: o.at,
    lines: total,
    ...(o.customerId ? { customerId: o.customerId } : {}),
  });
  const mainLines = (main.relationships['lineItems'] as Ref[]).map((r) => store.get(r.type, r.id)!);
  const customerId = (main.relationships['customer'] as Ref).id;
  const subs: Rec[] = [];
  let from = 0;
  for (const size of o.groups) {
    const sub = addOrder(ctx, { at: o.subOrdersAt ?? o.at, lines: size, customerId });
    const subLines = (sub.relationships['lineItems'] as Ref[]).map((r) => store.get(r.type, r.id)!);
    subLines.forEach((line, i) => {
      const copy = mainLines[from + i]!.attributes;
      for (const k of ['productSku', 'productName', 'quantity', 'productUnitCode', 'value']) {
        line.attributes[k] = copy[k];
      }
      store.changed(line);
    });
    from += size;
    sub.relationships['parent'] = { type: 'orders', id: main.id };
    sub.attributes['currency'] = main.attributes['currency'];
    store.changed(sub);
    store.link(main, 'subOrders', { type: 'orders', id: sub.id });
    subs.push(sub);
  }
  return { main, subs };
}
