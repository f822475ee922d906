/**
 * The Oro checks of test-connection, in order: a token, each resource the built-in jobs read or
 * write (one GET of one record each), the credit-limit field on customers, then each custom
 * stream's resource, filters and attributes (test-connection-streams.ts). Only GETs.
 */
import type { RunContext } from '../jobs/context.js';
import type { JsonApiResource, OroClient } from '../oro/types.js';
import type { Checker, Outcome } from './test-connection-checker.js';
import { firstPage, knownFields, streamCheck } from './test-connection-streams.js';

/** Every Oro resource a built-in job reads or writes (src/jobs, src/oro/client.ts). */
const ORO_RESOURCES_USED = [
  'orders',
  'orderlineitems',
  'orderaddresses',
  'customers',
  'customerusers',
  'ordershippingtrackings',
] as const;

export async function oroChecks(ctx: RunContext, c: Checker): Promise<void> {
  const { config } = ctx;
  let oro: OroClient | undefined;
  let customers: JsonApiResource[] | undefined;
  const tokenOk = await c.check('Oro token', async () => {
    oro = await ctx.openOro();
    customers = (await firstPage(oro, 'customers')).data;
    return {
      detail: `obtained from ${config.oro.url.replace(/\/+$/, '')}/oauth2-token for client id "${config.oro.clientId}"`,
    };
  });

  let resourcesOk = true;
  for (const resource of ORO_RESOURCES_USED) {
    const name = `Oro ${resource} readable`;
    if (!tokenOk || !oro) {
      c.skip(name, 'no Oro token');
      continue;
    }
    const client = oro;
    resourcesOk =
      (await c.check(name, async () => {
        const data =
          resource === 'customers' && customers ? customers : (await firstPage(client, resource)).data;
        return {
          detail: `GET ${config.oro.apiPath}/${resource} answered (${data.length ? 'records present' : 'no records yet'})`,
        };
      })) && resourcesOk;
  }

  if (!tokenOk || !customers) c.skip('credit-limit attribute', 'customers could not be read');
  else {
    const first = customers[0];
    await c.check('credit-limit attribute', () => creditFieldOutcome(config.oro.creditLimitField, first));
  }

  for (const [i, def] of config.streams.entries()) {
    const name = `stream ${def.name}: ${def.resource}`;
    if (!tokenOk || !oro) c.skip(name, 'no Oro token');
    else if (!resourcesOk) c.skip(name, "Oro's own resources are not readable");
    else {
      const client = oro;
      await c.check(name, () => streamCheck(client, def, i, config));
    }
  }
}

/**
 * The credit-limit field (`oro.creditLimitField`) as pull-credit needs it: an attribute of
 * customers, under the name it was created with (a custom Money or Decimal field is one; a select
 * or relation field is a relationship: docs/oro.md "What Oro needs to be set up").
 */
function creditFieldOutcome(field: string, first: JsonApiResource | undefined): Outcome {
  if (!first) return { detail: `"${field}" not verified: Oro has no customer yet` };
  if (Object.hasOwn(first.attributes, field)) return { detail: `customers have the attribute "${field}"` };
  const create =
    'Create it on Customer as a Money or Decimal field in Oro (System > Entities > Entity Management; then oro:api:cache:clear)';
  if (Object.hasOwn(first.relationships, field)) {
    return {
      ok: false,
      kind: 'config',
      detail: `"${field}" (oro.creditLimitField) is a relationship of customers, not an attribute: pull-credit writes a number`,
      fix: `${create}, or set oro.creditLimitField to such a field.`,
    };
  }
  const known = knownFields(first);
  const near = nearName(field, Object.keys(first.attributes));
  return {
    ok: false,
    kind: 'config',
    detail: `customers have no attribute "${field}" (oro.creditLimitField)${near ? `; there is "${near}"` : ''}`,
    fix: near
      ? `Set oro.creditLimitField to "${near}" (the field's name exactly as created), or ${create[0]!.toLowerCase()}${create.slice(1)}.`
      : `${create}, or set oro.creditLimitField to its exact name (known attributes: ${known}).`,
  };
}

/** An attribute that differs from `name` only in case and underscores (`credit_limit`, `CreditLimit`). */
function nearName(name: string, names: readonly string[]): string | undefined {
  const fold = (s: string): string => s.replace(/_/g, '').toLowerCase();
  return names.find((n) => n !== name && fold(n) === fold(name));
}
