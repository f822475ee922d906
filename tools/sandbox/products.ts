/**
 * Products for the sandbox (custom streams, docs/streams.md), shaped like Oro's back-office
 * `products` resource: attributes `sku`, `status` (`enabled`/`disabled`), `productType`,
 * `featured`, `newArrival`, `createdAt`, `updatedAt`; relationships `names` (productnames, the
 * localized names: `string` and `fallback`, `localization` null for the default),
 * `primaryUnitPrecision` (productunitprecisions: `precision`, `conversionRate`, `sell`, and
 * `unit` → productunits with ids like `item`), `inventory_status` (an enum, ids like `in_stock`).
 * Only generated when asked for (`seed.products`), so other data sets do not change.
 */
import { oroDateTime } from './format.js';
import { pick, type Rng } from './random.js';
import type { DataStore, Rec } from './store.js';

const NAMES = ['Widget', 'Gadget ⚙️', 'Schraube M8×40', 'Vis «inox»', "Rock'n'Roll Kit", 'Ñoño ✓', '工具'];
const UNITS = ['item', 'set', 'kg'];
const INVENTORY = [
  ['in_stock', 'In Stock'],
  ['out_of_stock', 'Out of Stock'],
  ['discontinued', 'Discontinued'],
];

function ensureEnums(store: DataStore): void {
  if (store.table('productunits').size > 0) return;
  for (const u of UNITS) store.add('productunits', { defaultPrecision: u === 'kg' ? 3 : 0 }, {}, u);
  for (const [id, name] of INVENTORY)
    store.add('prodinventorystatuses', { name, default: id === 'in_stock', priority: 1 }, {}, id);
}

export interface ProductInput {
  at: number;
  sku?: string;
  name?: string;
  status?: 'enabled' | 'disabled';
  unit?: string;
  precision?: number;
  inventoryStatus?: string;
  attributes?: Record<string, unknown>;
}

export function addProduct(store: DataStore, rng: Rng, o: ProductInput): Rec {
  ensureEnums(store);
  const ts = oroDateTime(o.at);
  const n = store.table('products').size + 1;
  const name = store.add(
    'productnames',
    { string: o.name ?? `${pick(rng, NAMES)} ${n}`, fallback: null },
    { localization: null },
  );
  const unit = o.unit ?? pick(rng, UNITS);
  const precision = store.add(
    'productunitprecisions',
    { precision: o.precision ?? (unit === 'kg' ? 3 : 0), conversionRate: 1, sell: true },
    { unit: { type: 'productunits', id: unit } },
  );
  return store.add(
    'products',
    {
      sku: o.sku ?? `SKU-${String(n).padStart(5, '0')}`,
      status: o.status ?? (rng() < 0.9 ? 'enabled' : 'disabled'),
      productType: 'simple',
      featured: rng() < 0.2,
      newArrival: false,
      createdAt: ts,
      updatedAt: ts,
      ...o.attributes,
    },
    {
      names: [{ type: 'productnames', id: name.id }],
      primaryUnitPrecision: { type: 'productunitprecisions', id: precision.id },
      unitPrecisions: [{ type: 'productunitprecisions', id: precision.id }],
      inventory_status: {
        type: 'prodinventorystatuses',
        id: o.inventoryStatus ?? (rng() < 0.8 ? 'in_stock' : 'out_of_stock'),
      },
      owner: { type: 'businessunits', id: '1' },
      organization: { type: 'organizations', id: '1' },
    },
  );
}

/** `count` products, a few sharing one `updatedAt` second (equal timestamps across pages). */
export function generateProducts(store: DataStore, rng: Rng, count: number, start: number): void {
  for (let i = 0; i < count; i++) addProduct(store, rng, { at: start + Math.floor(i / 3) * 1000 });
}
