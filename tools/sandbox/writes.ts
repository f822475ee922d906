/**
 * The write actions the sandbox serves: PATCH customers (incl. custom fields, docs/oro.md) and
 * POST ordershippingtrackings in the relationship shape of the API version (orocommerce 6.1.0
 * CHANGELOG.md). Validation answers as Oro does (platform 6.1.0
 * `src/Oro/Bundle/ApiBundle/Request/Constraint.php`): 400 with pointers, 409 for type/id
 * conflicts.
 */
import { ApiError, notFound } from './errors.js';
import { parseDecimal, parseMoney } from './format.js';
import type { DataStore, Rec, Ref } from './store.js';
import type { Profile } from './profile.js';
import type { CustomFieldType } from './types.js';

interface Body {
  data?: {
    type?: unknown;
    id?: unknown;
    attributes?: Record<string, unknown>;
    relationships?: Record<string, { data?: unknown }>;
  };
}

export function parseBody(text: string): Body {
  if (text.trim() === '')
    throw new ApiError(400, 'request data constraint', 'The request data should not be empty.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'request data constraint', 'The request data is not valid JSON.');
  }
  if (
    !body ||
    typeof body !== 'object' ||
    !('data' in body) ||
    typeof (body as Body).data !== 'object' ||
    (body as Body).data === null
  ) {
    throw new ApiError(400, 'request data constraint', 'The primary data object should exist.', {
      pointer: '/data',
    });
  }
  return body as Body;
}

function checkType(body: Body, type: string): void {
  if (typeof body.data?.type !== 'string') {
    throw new ApiError(400, 'request data constraint', "The 'type' property is required.", {
      pointer: '/data/type',
    });
  }
  if (body.data.type !== type) {
    throw new ApiError(409, 'conflict constraint', 'The entity class must match to the requested resource.', {
      pointer: '/data/type',
    });
  }
}

const WRITABLE_CUSTOMER = new Set(['name', 'externalId']);

export function patchCustomer(
  store: DataStore,
  id: string,
  text: string,
  customFields: Record<string, CustomFieldType>,
  now: string,
  profile: Profile,
): Rec {
  const body = parseBody(text);
  checkType(body, 'customers');
  if (typeof body.data!.id !== 'string') {
    throw new ApiError(400, 'request data constraint', "The 'id' property should be a string.", {
      pointer: '/data/id',
    });
  }
  if (body.data!.id !== id) {
    throw new ApiError(
      409,
      'conflict constraint',
      "The 'id' property of the primary data object should match 'id' parameter of the query sting.",
      { pointer: '/data/id' },
    );
  }
  const rec = store.get('customers', id);
  if (!rec) throw notFound();
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body.data!.attributes ?? {})) {
    const pointer = `/data/attributes/${field}`;
    const type = customFields[field];
    if (type) changes[field] = convertCustomField(type, value, pointer);
    else if (WRITABLE_CUSTOMER.has(field) && (field !== 'externalId' || profile.externalId)) {
      if (field === 'name' && (typeof value !== 'string' || value.trim() === '')) {
        throw new ApiError(400, 'not blank constraint', 'This value should not be blank.', { pointer });
      }
      changes[field] = value;
    } else {
      throw new ApiError(
        400,
        'extra fields constraint',
        `This form should not contain extra fields: "${field}".`,
        { pointer },
      );
    }
  }
  if (body.data!.relationships && Object.keys(body.data!.relationships).length) {
    const name = Object.keys(body.data!.relationships)[0]!;
    throw new ApiError(
      400,
      'extra fields constraint',
      `This form should not contain extra fields: "${name}".`,
      {
        pointer: `/data/relationships/${name}`,
      },
    );
  }
  Object.assign(rec.attributes, changes, { updatedAt: now });
  store.changed(rec);
  return rec;
}

/** A PATCHed custom-field value in Oro's wire form, or 400 `form constraint`. */
export function convertCustomField(type: CustomFieldType, value: unknown, pointer: string): unknown {
  if (value === null) return null;
  const invalid = (): never => {
    throw new ApiError(400, 'form constraint', 'This value is not valid.', { pointer });
  };
  switch (type) {
    case 'money':
      return parseMoney(value) ?? invalid();
    case 'decimal':
      return parseDecimal(value) ?? invalid();
    case 'integer':
      return Number.isInteger(Number(value)) && value !== '' ? Number(value) : invalid();
    case 'boolean':
      return typeof value === 'boolean' ? value : invalid();
    default:
      return typeof value === 'string' ? value : invalid();
  }
}

export function createTracking(
  store: DataStore,
  text: string,
  profile: Profile,
  now: string,
  forbidden: (type: string, id: string) => boolean = () => false,
): Rec {
  const version = profile.family;
  const body = parseBody(text);
  checkType(body, 'ordershippingtrackings');
  const attrs = body.data!.attributes ?? {};
  for (const field of Object.keys(attrs)) {
    if (field !== 'method' && field !== 'number') {
      throw new ApiError(
        400,
        'extra fields constraint',
        `This form should not contain extra fields: "${field}".`,
        {
          pointer: `/data/attributes/${field}`,
        },
      );
    }
  }
  for (const field of ['method', 'number']) {
    const v = attrs[field];
    if (typeof v !== 'string' || v.trim() === '') {
      throw new ApiError(400, 'not blank constraint', 'This value should not be blank.', {
        pointer: `/data/attributes/${field}`,
      });
    }
  }
  const rels = body.data!.relationships ?? {};
  const wanted = version === '6.0' ? 'order' : 'orders';
  for (const name of Object.keys(rels)) {
    if (name !== wanted) {
      // The other version's shape: the field does not exist on this version (docs/oro.md).
      throw new ApiError(
        400,
        'extra fields constraint',
        `This form should not contain extra fields: "${name}".`,
        {
          pointer: `/data/relationships/${name}`,
        },
      );
    }
  }
  const data = rels[wanted]?.data;
  const pointer = `/data/relationships/${wanted}/data`;
  let refs: unknown[];
  if (version === '6.0') {
    if (Array.isArray(data))
      throw new ApiError(400, 'request data constraint', "The 'data' property should be an object or null.", {
        pointer,
      });
    refs = data ? [data] : [];
  } else {
    if (data !== undefined && !Array.isArray(data)) {
      throw new ApiError(400, 'request data constraint', "The 'data' property should be an array.", {
        pointer,
      });
    }
    refs = data ?? [];
  }
  if (refs.length === 0)
    throw new ApiError(400, 'not blank constraint', 'This value should not be blank.', { pointer });
  const orders: Rec[] = refs.map((raw, i) => {
    const ref = raw as { type?: unknown; id?: unknown };
    const at = version === '6.0' ? pointer : `${pointer}/${i}`;
    if (typeof ref?.id !== 'string')
      throw new ApiError(400, 'request data constraint', "The 'id' property should be a string.", {
        pointer: `${at}/id`,
      });
    if (ref.type !== 'orders')
      throw new ApiError(400, 'request data constraint', 'The type "orders" is expected.', {
        pointer: `${at}/type`,
      });
    const order = store.get('orders', ref.id);
    if (!order) throw new ApiError(400, 'form constraint', 'The entity does not exist.', { pointer: at });
    // oroinc/orocommerce src/Oro/Bundle/OrderBundle/Tests/Functional/Api/RestJsonApi/OrderShippingTrackingTest.php @6.1.0
    if (forbidden('orders', ref.id)) {
      throw new ApiError(
        403,
        'access granted constraint',
        'The "VIEW" permission is denied for the related resource.',
        { pointer: at },
      );
    }
    return order;
  });
  const orderRefs: Ref[] = orders.map((o) => ({ type: 'orders', id: o.id }));
  const rec = store.add(
    'ordershippingtrackings',
    { method: attrs['method'], number: attrs['number'], createdAt: now, updatedAt: now },
    version === '6.0' ? { order: orderRefs[0]! } : { orders: orderRefs },
  );
  for (const o of orders) store.link(o, 'shippingTrackings', { type: 'ordershippingtrackings', id: rec.id });
  return rec;
}
