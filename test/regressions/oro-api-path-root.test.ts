/**
 * `oro.apiPath: "/"` passed the path check, and dropping its trailing slash left "", so every
 * request went to `{oro.url}/orders` (no backend prefix, no `/api`): a 404 from the storefront
 * that says nothing about the key. A path must name at least one segment; the message names
 * the key and a correct value.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';

const base = {
  oro: { url: 'https://oro.example.com', clientId: 'a', clientSecret: 'secret-value-1' },
  staging: { dialect: 'embedded', path: '/tmp/none' },
};

const parse = (apiPath: string) => configSchema.safeParse({ ...base, oro: { ...base.oro, apiPath } });

describe('oro.apiPath', () => {
  it.each(['/', '//', '///'])('refuses %j, naming the key and an example', (p) => {
    const r = parse(p);
    expect(r.success).toBe(false);
    const issue = r.error?.issues[0];
    expect(issue?.path).toEqual(['oro', 'apiPath']);
    expect(issue?.message).toMatch(/e\.g\. \/admin\/api/);
  });

  it('keeps a real path, without its trailing slash', () => {
    expect(parse('/backoffice/api/').data?.oro.apiPath).toBe('/backoffice/api');
    expect(parse('/api').data?.oro.apiPath).toBe('/api');
    expect(configSchema.parse(base).oro.apiPath).toBe('/admin/api');
  });
});
