/**
 * What differs between the Oro releases the sandbox can play (`apiVersion`), each fact read at
 * the release tag of the upstream repository:
 * - to-many cap `max_related_entities`: 100 up to 6.1.7, 1000 from 6.1.8
 *   (oroinc/platform `src/Oro/Bundle/ApiBundle/DependencyInjection/Configuration.php` @6.1.7 / @6.1.8);
 *   order `lineItems` uncapped (`max_results: -1`) only from 6.1.8
 *   (oroinc/orocommerce `src/Oro/Bundle/OrderBundle/Resources/config/oro/api.yml` @6.1.8);
 * - internal status ids (oroinc/orocommerce `src/Oro/Bundle/OrderBundle/Provider/OrderStatusesProviderInterface.php`
 *   @6.0.10: open, cancelled, closed, archived, shipped; @6.1.0: open, pending, processing, cancelled, closed);
 * - `shippingStatus`, the `orders` (to-many) link of line items and trackings, and the
 *   `customer`/`customerUser` filters on line items from 6.1.0 (oroinc/orocommerce
 *   `src/Oro/Bundle/OrderBundle/Resources/config/oro/api.yml` @6.0.10 / @6.1.0);
 * - `externalId` on customers, customer users and orders from 6.1.10 (the `external_id` column of
 *   oroinc/orocommerce `src/Oro/Bundle/OrderBundle/Migrations/Schema/v6_1_6_1/AddExternalIdToOrderEntity.php`
 *   and oroinc/customer-portal `src/Oro/Bundle/CustomerBundle/Migrations/Schema/OroCustomerBundleInstaller.php`,
 *   both first at @6.1.10).
 * `6.1` (the sandbox's earlier name) is the newest 6.1 profile.
 */
export type SandboxApiVersion = '6.0' | '6.1' | '6.1.0' | '6.1.8' | '6.1.10';

export const SANDBOX_VERSIONS: readonly SandboxApiVersion[] = ['6.0', '6.1.0', '6.1.8', '6.1.10', '6.1'];

export interface Profile {
  name: SandboxApiVersion;
  /** The relationship shapes: `order` (to-one) on 6.0, `orders` (to-many) from 6.1. */
  family: '6.0' | '6.1';
  /** `max_related_entities`: ids listed per to-many relationship. */
  relatedCap: number;
  /** Whether order `lineItems` obeys the cap (before 6.1.8). */
  lineItemsCapped: boolean;
  shippingStatus: boolean;
  externalId: boolean;
  internalStatuses: readonly [id: string, name: string][];
}

const STATUSES_60: Profile['internalStatuses'] = [
  ['open', 'Open'],
  ['cancelled', 'Cancelled'],
  ['closed', 'Closed'],
  ['archived', 'Archived'],
  ['shipped', 'Shipped'],
];
const STATUSES_61: Profile['internalStatuses'] = [
  ['open', 'Open'],
  ['pending', 'Pending'],
  ['processing', 'Processing'],
  ['cancelled', 'Cancelled'],
  ['closed', 'Closed'],
];

export function profileOf(version: SandboxApiVersion): Profile {
  const v = version === '6.1' ? '6.1.10' : version;
  const from618 = v === '6.1.8' || v === '6.1.10';
  return {
    name: version,
    family: v === '6.0' ? '6.0' : '6.1',
    relatedCap: from618 ? 1000 : 100,
    lineItemsCapped: !from618,
    shippingStatus: v !== '6.0',
    externalId: v === '6.1.10',
    internalStatuses: v === '6.0' ? STATUSES_60 : STATUSES_61,
  };
}
