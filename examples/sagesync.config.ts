/**
 * sagesync configuration as TypeScript: use it when the choice of orders needs code, here an
 * async `orders.criteria` that asks another system. Found automatically as
 * `sagesync.config.ts`, or pass it with `--config`.
 *
 * cosmiconfig compiles this file with the `typescript` package and writes the compiled copy
 * next to it for a moment: keep `typescript` installed and the directory writable, or write
 * the same thing as `sagesync.config.mjs` (plain JavaScript) for a slim production image.
 *
 * Secrets come from the environment: SAGESYNC_ORO_CLIENT_SECRET, SAGESYNC_STAGING_PASSWORD.
 */

/**
 * The part of what the criteria function receives that it looks at: the order resource (JSON:API
 * `attributes` as Oro sends them) with its resolved line items, addresses, customer and buyer.
 */
interface OrderLike {
  order: { id: string; attributes: { poNumber?: string | null; totalValue?: string | null } };
  lineItems: unknown[];
  customer: { id: string; attributes: Record<string, unknown> } | null;
}

/** PO numbers that purchasing has blocked, cached for the run. */
let blocked: Promise<Set<string>> | undefined;
async function blockedPoNumbers(): Promise<Set<string>> {
  // In real life: a fetch() to purchasing's API. Kept local so the example runs anywhere.
  blocked ??= Promise.resolve(new Set(['PO-BLOCKED-1']));
  return blocked;
}

export default {
  oro: {
    url: 'https://shop.example.com',
    clientId: 'sagesync',
  },
  staging: {
    dialect: 'postgres',
    url: 'postgres://sagesync@db.example.internal:5432/erp_staging',
    tls: { caFile: '/etc/sagesync/staging-ca.pem' },
  },
  orders: {
    /**
     * Called for each new or changed order with its included resources; sync or async. An order
     * refused now is staged later, when a change makes it qualify.
     */
    criteria: async (order: unknown): Promise<boolean> => {
      const { order: o, lineItems } = order as OrderLike;
      const po = o.attributes.poNumber;
      if (!po || lineItems.length === 0) return false;
      // Money is a decimal string ("789.0000"): a number is fine for a threshold, not for sums.
      if (Number(o.attributes.totalValue ?? '0') <= 0) return false;
      return !(await blockedPoNumbers()).has(po);
    },
    customAttributes: { shipping_method_type: 'shippingMethodType' },
  },
  notifications: {
    to: ['erp-team@example.com'],
    from: 'sagesync@example.com',
    smtp: { host: 'smtp.example.com', port: 587, user: 'sagesync@example.com' },
  },
};
