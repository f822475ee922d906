/**
 * An Oro order (header + lines) → contract rows, or the precise reasons it cannot be staged.
 * A header with any bad line is not staged at all: X3 never sees a header without all its lines.
 */
import type { JsonApiResource, OroOrder } from '../../oro/types.js';
import type { Row } from '../../staging/store.js';
import { mapRecord } from './mapper.js';
import { MissingResource, wholeList, type ResourceLookup } from './paths.js';
import { ORDER_LINE_SPEC, ORDER_SPEC } from './specs.js';
import { decimalText, preview } from './values.js';

export interface OrderMapOptions {
  erpCustomerCode: string | null;
  orderAttributes: Readonly<Record<string, string>>;
  lineAttributes: Readonly<Record<string, string>>;
  /** orders.allowNegativeQuantity: a line (or kit component) with a negative quantity is staged. */
  allowNegativeQuantity: boolean;
}

export interface MappedOrder {
  oroOrderId: number;
  header: Row;
  lines: Row[];
  /** Empty when the order can be staged. */
  problems: string[];
  missing: string[];
}

export function mapOrder(o: OroOrder, lookup: ResourceLookup, opts: OrderMapOptions): MappedOrder {
  const head = mapRecord(ORDER_SPEC, {
    root: o.order,
    lookup,
    customAttributes: opts.orderAttributes,
    context: { erpCustomerCode: opts.erpCustomerCode },
  });
  const problems = head.problems.map((p) => p.message);
  const missing = [...head.missing];
  const lines: Row[] = [];
  if (o.lineItems.length === 0) problems.push('the order has no line items');
  const expected = lineItemIds(o);
  if (expected !== null && expected.length !== o.lineItems.length) {
    problems.push(`Oro returned ${o.lineItems.length} of the order's ${expected.length} line items`);
  }
  o.lineItems.forEach((item, i) => {
    const m = mapRecord(ORDER_LINE_SPEC, {
      root: item,
      lookup,
      customAttributes: opts.lineAttributes,
      context: {
        oroOrderId: o.order.id,
        lineNumber: i + 1,
        kitItems: kitItemsOf(
          item,
          lookup,
          missing,
          (k, why) => problems.push(`line ${i + 1} (Oro line item ${item.id}), kit component ${k}: ${why}`),
          opts.allowNegativeQuantity,
        ),
      },
    });
    for (const p of m.problems) problems.push(`line ${i + 1} (Oro line item ${item.id}): ${p.message}`);
    const q = quantityProblem(m.row['quantity'], opts.allowNegativeQuantity);
    if (q) problems.push(`line ${i + 1} (Oro line item ${item.id}): ${q}`);
    missing.push(...m.missing);
    lines.push(m.row);
  });
  return {
    oroOrderId: Number(o.order.id),
    header: head.row,
    lines,
    problems,
    missing: [...new Set(missing)],
  };
}

const NO_KIT_ITEMS: readonly unknown[] = Object.freeze([]);

/**
 * A product-kit line's components (`kitItemLineItems` → orderproductkititemlineitems, fields of
 * oroinc/orocommerce src/Oro/Bundle/OrderBundle/Resources/doc/api/order_product_kit_item_line_item.md
 * @6.1.0): sku, name, quantity, unit and price of each, `[]` for other lines.
 * A component not read yet is reported missing (read in bulk, then mapped again).
 */
function kitItemsOf(
  item: JsonApiResource,
  lookup: ResourceLookup,
  missing: string[],
  bad: (component: string, why: string) => void,
  allowNegative: boolean,
): readonly unknown[] {
  const refs = wholeList(item, 'kitItemLineItems', lookup);
  if (refs instanceof MissingResource) {
    missing.push(refs.missing.replace(' ', ':'));
    return NO_KIT_ITEMS;
  }
  if (refs.length === 0) return NO_KIT_ITEMS;
  const out: unknown[] = [];
  for (const ref of refs) {
    const k = lookup(ref.type, ref.id);
    if (k === undefined) missing.push(`${ref.type}:${ref.id}`);
    if (!k) continue;
    const a = k.attributes;
    const text = decimalText(a['quantity']);
    const q = text === null ? notANumber(a['quantity']) : quantityProblem(text, allowNegative);
    if (q) bad(`${k.id} (${String(a['productSku'] ?? 'no SKU')})`, q);
    out.push({
      sku: a['productSku'] ?? null,
      name: a['productName'] ?? null,
      quantity: a['quantity'] ?? null,
      unit: a['productUnitCode'] ?? null,
      price: a['value'] ?? null,
      currency: a['currency'] ?? null,
    });
  }
  return out;
}

function lineItemIds(o: OroOrder): string[] | null {
  const rel = o.order.relationships?.lineItems?.data;
  return Array.isArray(rel) ? rel.map((r) => r.id) : null;
}

/**
 * Why a line's quantity (its staged decimal text; anything else was rejected by the column
 * already) cannot be staged, or null. Oro's own validation of an order line item and of a kit
 * component is `NotBlank`, `Decimal` and `GreaterThanZero` (oroinc/orocommerce
 * src/Oro/Bundle/OrderBundle/Resources/config/validation.yml @6.1.0), but the column is a
 * nullable float that an import, a script or a plugin can fill unchecked. A negative quantity is
 * staged only with orders.allowNegativeQuantity (returns or credit lines that X3 is set up for);
 * zero never: a line for nothing is no demand, and Oro itself never accepts it.
 */
function quantityProblem(staged: unknown, allowNegative: boolean): string | null {
  // Not a string: the column rejected the value already, and its problem says why.
  if (typeof staged !== 'string') return null;
  if (/^0(?:\.0*)?$/.test(staged)) {
    return `quantity ${staged} is zero, which Oro's own validation never accepts; correct the line in Oro (the order is retried)`;
  }
  if (staged.startsWith('-') && !allowNegative) {
    return `quantity ${staged} is negative; correct the line in Oro (the order is retried), or set orders.allowNegativeQuantity: true if X3 is to receive negative lines`;
  }
  return null;
}

const notANumber = (raw: unknown): string =>
  `quantity ${preview(raw)} is not a number; correct the line in Oro (the order is retried)`;
