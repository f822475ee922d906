/**
 * PATCH of resources other than customers (writes.ts): customer users and products, with the
 * custom fields configured per type (`SandboxOptions.customResourceFields`, docs/oro.md).
 * Unknown attributes answer 400 "extra fields constraint" as Oro does (platform 6.1.0
 * `src/Oro/Bundle/ApiBundle/Request/Constraint.php`).
 */
import { ApiError, notFound } from './errors.js';
import type { DataStore, Rec } from './store.js';
import type { CustomFieldType } from './types.js';
import { convertCustomField as convert, parseBody } from './writes.js';

/** Ordinary writable attributes per type (docs/oro.md and the product fields the sandbox serves). */
const WRITABLE: Record<string, string[]> = {
  customerusers: ['firstName', 'lastName', 'email', 'enabled', 'externalId'],
  products: ['sku', 'status', 'featured', 'newArrival'],
};

export function patchResource(
  store: DataStore,
  type: string,
  id: string,
  text: string,
  customFields: Record<string, CustomFieldType>,
  now: string,
): Rec {
  const body = parseBody(text);
  const data = body.data!;
  if (data.type !== type) {
    throw new ApiError(409, 'conflict constraint', 'The entity class must match to the requested resource.', {
      pointer: '/data/type',
    });
  }
  if (data.id !== id) {
    throw new ApiError(
      409,
      'conflict constraint',
      "The 'id' property of the primary data object should match 'id' parameter of the query sting.",
      { pointer: '/data/id' },
    );
  }
  const rec = store.get(type, id);
  if (!rec) throw notFound();
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data.attributes ?? {})) {
    const pointer = `/data/attributes/${field}`;
    const custom = customFields[field];
    if (custom) changes[field] = convert(custom, value, pointer);
    else if (WRITABLE[type]?.includes(field)) changes[field] = value;
    else
      throw new ApiError(
        400,
        'extra fields constraint',
        `This form should not contain extra fields: "${field}".`,
        {
          pointer,
        },
      );
  }
  Object.assign(rec.attributes, changes, { updatedAt: now });
  store.changed(rec);
  return rec;
}
