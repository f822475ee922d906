/**
 * Orders with their related resources taken from `included` (the jobs ask for
 * `include=lineItems,billingAddress,shippingAddress,customer,customerUser`). Values stay as Oro
 * sent them: money is a 4-decimal string (docs/oro.md), never converted to a number.
 */
import type { JsonApiResource, OroOrder, Page, ResourceIdentifier } from './types.js';

export const ORDER_INCLUDE = ['lineItems', 'billingAddress', 'shippingAddress', 'customer', 'customerUser'];

export function resolveOrders(page: Page): OroOrder[] {
  const find = (ref: ResourceIdentifier | ResourceIdentifier[] | null | undefined): JsonApiResource | null =>
    ref && !Array.isArray(ref) ? (page.included.get(`${ref.type}:${ref.id}`) ?? null) : null;
  return page.data
    .filter((r) => r.type === 'orders')
    .map((order) => {
      const rel = order.relationships;
      const lineRefs = rel['lineItems']?.data;
      const lineItems: JsonApiResource[] = [];
      // A line item missing from `included` means it was not requested; it is left out, not invented.
      for (const ref of Array.isArray(lineRefs) ? lineRefs : []) {
        const line = page.included.get(`${ref.type}:${ref.id}`);
        if (line) lineItems.push(line);
      }
      return {
        order,
        lineItems,
        billingAddress: find(rel['billingAddress']?.data),
        shippingAddress: find(rel['shippingAddress']?.data),
        customer: find(rel['customer']?.data),
        customerUser: find(rel['customerUser']?.data),
        included: page.included,
      };
    });
}
