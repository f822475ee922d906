// @module-tag hostile
/**
 * Issue 18, point 11: plain http:// to Oro sends the client secret and tokens in clear. It is
 * warned about on every run and by test-connection (loopback excepted, oro.allowInsecureHttp
 * silences it); other schemes and a URL holding credentials are refused at load (exit 78).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { securityWarnings } from '../../src/ops/security-warnings.js';
import type { Config } from '../../src/config/schema.js';
import { tempDir } from '../config/helpers.js';

const config = (oro: Record<string, unknown>): Config =>
  configSchema.parse({
    oro: { clientId: 'c', clientSecret: 's', ...oro },
    staging: { dialect: 'embedded' },
  });

describe('oro.url schemes (issue 18)', () => {
  it('warns about plain http to another machine, not about https or loopback', () => {
    const warned = securityWarnings(config({ url: 'http://shop.example.com' }));
    expect(warned.join('\n')).toContain('oro.url is plain http:// (shop.example.com)');
    expect(securityWarnings(config({ url: 'https://shop.example.com' }))).toEqual([]);
    expect(securityWarnings(config({ url: 'http://127.0.0.1:8080' }))).toEqual([]);
    expect(securityWarnings(config({ url: 'http://[::1]:8080' }))).toEqual([]);
    expect(securityWarnings(config({ url: 'http://shop.example.com', allowInsecureHttp: true }))).toEqual([]);
  });

  it.each([
    ['ftp://shop.example.com', 'expected an https://'],
    ['file:///etc/passwd', 'expected an https://'],
    ['https://admin:hunter2@shop.example.com', 'must not hold a user name or password'],
  ])('refuses %s at load (exit 78)', async (url, message) => {
    const cwd = tempDir({
      '.sagesyncrc.yaml': `oro:\n  url: ${url}\n  clientId: c\n  clientSecret: s\nstaging:\n  dialect: embedded\n`,
    });
    const err = await loadConfig({ cwd, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problem = (err as ConfigError).problems.find((p) => p.path === 'oro.url');
    expect(problem?.message).toContain(message);
    expect((err as Error).message).not.toContain('hunter2');
  });
});
