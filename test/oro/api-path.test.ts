/**
 * `oro.apiPath` (issue 16, point 4): Oro's back-office prefix is its `web_backend_prefix`
 * (oroinc/customer-portal
 * src/Oro/Bundle/FrontendBundle/DependencyInjection/OroFrontendExtension.php), so the API may live
 * elsewhere than /admin/api; the token endpoint stays at /oauth2-token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../src/errors.js';
import { expectRejection, rig, type Rig } from './helpers.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('oro.apiPath', () => {
  it('reads and writes under the configured path; the token stays at the root', async () => {
    r = await rig({
      sandbox: { seed: { orders: 3 }, backendPrefix: '/backoffice' },
      oro: { apiPath: '/backoffice/api/' },
    });
    const ids: string[] = [];
    for await (const page of r.client.list('orders')) ids.push(...page.data.map((d) => d.id));
    expect(ids).toEqual(['1', '2', '3']);
    await r.client.patch('customers', '1', { creditLimit: '5' });
    const paths = r.sb.requests.map((q) => q.path);
    expect(paths).toContain('/oauth2-token');
    expect(paths.filter((p) => p !== '/oauth2-token').every((p) => p.startsWith('/backoffice/api/'))).toBe(
      true,
    );
  });

  it('the default /admin/api against an Oro with another prefix: exit-69 error naming oro.apiPath', async () => {
    r = await rig({ sandbox: { seed: { orders: 1 }, backendPrefix: '/backoffice' } });
    const err = await expectRejection(r.client.get('orders', '1'));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('/admin/api/');
    expect((err as ServiceUnavailableError).hint).toContain('oro.apiPath');
  });
});
