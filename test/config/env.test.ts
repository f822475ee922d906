import { describe, expect, it } from 'vitest';
import { readEnvLayer } from '../../src/config/env.js';
import { configKeys, envName } from '../../src/config/keys.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { MINIMAL_YAML, tempDir } from './helpers.js';

describe('SAGESYNC_* environment variables', () => {
  it('names are SAGESYNC_ + the key path in upper snake case, one per key', () => {
    expect(envName(['oro', 'clientSecret'])).toBe('SAGESYNC_ORO_CLIENT_SECRET');
    const names = configKeys().map((k) => k.env);
    expect(names).toContain('SAGESYNC_STAGING_TLS_CA_FILE');
    expect(names).toContain('SAGESYNC_STAGING_SSH_TUNNEL_HOST_KEY_SHA256');
    expect(names).toContain('SAGESYNC_NOTIFICATIONS_SMTP_PASSWORD_FILE');
    expect(new Set(names).size).toBe(names.length);
  });

  it('converts text to the key types', () => {
    const { layer, problems } = readEnvLayer(
      {
        SAGESYNC_ORO_PAGE_SIZE: '250',
        SAGESYNC_STAGING_TLS_ENABLED: 'false',
        SAGESYNC_LOGGING_COMMUNICATION: 'YES',
        SAGESYNC_NOTIFICATIONS_TO: 'a@x.com, b@y.com',
        SAGESYNC_ORDERS_CRITERIA: '{"internalStatus":["open"]}',
        SAGESYNC_ORDER_LINES_CUSTOM_ATTRIBUTES: 'comment,priceType',
        SAGESYNC_STAGING_PASSWORD: ' spaced ',
        SAGESYNC_STAGING_HOST: '',
        SAGESYNC_TEST_PG_URL: 'postgres://ignored',
      },
      '/',
    );
    expect(problems).toEqual([]);
    expect(layer.values).toEqual({
      oro: { pageSize: 250 },
      staging: { tls: { enabled: false }, password: ' spaced ' },
      logging: { communication: true },
      notifications: { to: ['a@x.com', 'b@y.com'] },
      orders: { criteria: { internalStatus: ['open'] } },
      orderLines: { customAttributes: ['comment', 'priceType'] },
    });
  });

  it('a bad value is a clear problem naming the variable', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': MINIMAL_YAML });
    const err = (await loadConfig({
      cwd,
      env: {
        SAGESYNC_ORO_PAGE_SIZE: 'lots',
        SAGESYNC_STAGING_TLS_ENABLED: 'maybe',
        SAGESYNC_ORDERS_CRITERIA: '{bad',
      },
    }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => [p.path, p.source])).toEqual([
      ['oro.pageSize', 'environment $SAGESYNC_ORO_PAGE_SIZE'],
      ['staging.tls.enabled', 'environment $SAGESYNC_STAGING_TLS_ENABLED'],
      ['orders.criteria', 'environment $SAGESYNC_ORDERS_CRITERIA'],
    ]);
    expect(err.problems[0]?.message).toBe('expected a number, got "lots"');
  });

  it('the environment alone can configure everything (no file)', async () => {
    const config = await loadConfig({
      cwd: tempDir(),
      env: {
        SAGESYNC_ORO_URL: 'https://shop.example.com',
        SAGESYNC_ORO_CLIENT_ID: 'id',
        SAGESYNC_ORO_CLIENT_SECRET: 'secret',
        SAGESYNC_NOTIFICATIONS_TO: 'a@x.com,b@y.com',
      },
    });
    expect(config.notifications.to).toEqual(['a@x.com', 'b@y.com']);
    expect(config.staging.dialect).toBe('mssql');
  });
});
