import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeLayers, type Layer } from '../../src/config/layers.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { MINIMAL_YAML, tempDir } from './helpers.js';

function layer(name: Layer['name'], values: Record<string, unknown>): Layer {
  return { name, values, sourceOf: () => name, baseDir: '/' };
}

describe('mergeLayers: command line → environment → file', () => {
  it('the highest layer that sets a key wins, key by key', () => {
    const m = mergeLayers([
      layer('command line', { staging: { dialect: 'postgres' } }),
      layer('environment', { staging: { dialect: 'mssql', host: 'env-host' } }),
      layer('file', { staging: { dialect: 'embedded', host: 'file-host', port: 1 } }),
    ]);
    expect(m.input).toEqual({ staging: { dialect: 'postgres', host: 'env-host', port: 1 } });
    expect(m.origins.get('staging.dialect')?.source).toBe('command line');
    expect(m.origins.get('staging.host')?.source).toBe('environment');
    expect(m.origins.get('staging.port')?.source).toBe('file');
  });

  it('a filter value is replaced whole, not merged', () => {
    const m = mergeLayers([
      layer('environment', { orders: { criteria: { poNumber: { exists: true } } } }),
      layer('file', { orders: { criteria: { internalStatus: ['open'] } } }),
    ]);
    expect(m.input).toEqual({ orders: { criteria: { poNumber: { exists: true } } } });
  });

  it('a secret and its *File twin move together: the higher layer decides', () => {
    const m = mergeLayers([
      layer('environment', { oro: { clientSecretFile: '/run/secret' } }),
      layer('file', { oro: { clientSecret: 'in-file' } }),
    ]);
    expect(m.input).toEqual({ oro: { clientSecretFile: '/run/secret' } });
    expect(m.problems).toEqual([]);
  });

  it('x and xFile in the same layer is a problem', () => {
    const m = mergeLayers([layer('file', { staging: { password: 'a', passwordFile: '/p' } })]);
    expect(m.problems).toHaveLength(1);
    expect(m.problems[0]?.path).toBe('staging.passwordFile');
  });
});

describe('loadConfig precedence end to end', () => {
  it('default < file < environment < command line', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': `${MINIMAL_YAML}  tablePrefix: file_\n  schema: from_file\n` });
    const none = await loadConfig({ cwd, env: {} });
    expect(none.oro.pageSize).toBe(100); // default
    expect(none.staging.tablePrefix).toBe('file_'); // file
    const env = { SAGESYNC_STAGING_TABLE_PREFIX: 'env_', SAGESYNC_STAGING_DIALECT: 'postgres' };
    const withEnv = await loadConfig({ cwd, env });
    expect(withEnv.staging.tablePrefix).toBe('env_');
    expect(withEnv.staging.schema).toBe('from_file');
    const withCli = await loadConfig({
      cwd,
      env,
      overrides: [{ path: 'staging.dialect', value: 'mssql', option: '--dialect' }],
    });
    expect(withCli.staging.dialect).toBe('mssql');
  });

  it('*File secrets: content with the trailing newline trimmed; environment *File beats the file value', async () => {
    const cwd = tempDir({
      '.sagesyncrc.yaml': `${MINIMAL_YAML}  passwordFile: secrets/db\n`,
      'secrets/db': 'db-pass\n',
      'oro-secret': 'env-secret\r\n',
    });
    const config = await loadConfig({
      cwd,
      env: { SAGESYNC_ORO_CLIENT_SECRET_FILE: path.join(cwd, 'oro-secret') },
    });
    expect(config.staging.password).toBe('db-pass');
    expect(config.oro.clientSecret).toBe('env-secret');
    expect(config.oro.clientSecretFile).toBeUndefined();
    // and the plain environment value beats a *File in the file
    const plain = await loadConfig({ cwd, env: { SAGESYNC_STAGING_PASSWORD: 'env-pass' } });
    expect(plain.staging.password).toBe('env-pass');
  });

  it('a missing secret file is a problem naming the key and the path', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': `${MINIMAL_YAML}  passwordFile: nope\n` });
    const err = (await loadConfig({ cwd, env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.path).toBe('staging.passwordFile');
    expect(err.problems[0]?.message).toContain(path.join(cwd, 'nope'));
  });

  it('x and xFile together in the environment is a problem', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': MINIMAL_YAML, s: 'x' });
    const err = (await loadConfig({
      cwd,
      env: { SAGESYNC_STAGING_PASSWORD: 'a', SAGESYNC_STAGING_PASSWORD_FILE: `${cwd}/s` },
    }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems[0]?.source).toBe('environment $SAGESYNC_STAGING_PASSWORD_FILE');
  });

  it('relative paths resolve against the config file directory; environment ones against cwd', async () => {
    const dir = tempDir({
      'etc/.sagesyncrc.yaml': `${MINIMAL_YAML}  path: data\n  tls:\n    caFile: ca.pem\nlogging:\n  file: log/s.log\n`,
    });
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'x'), '');
    const config = await loadConfig({
      cwd,
      configPath: path.join(dir, 'etc/.sagesyncrc.yaml'),
      env: { SAGESYNC_LOGGING_FILE: 'here.log' },
    });
    expect(config.staging.path).toBe(path.join(dir, 'etc/data'));
    expect(config.staging.tls.caFile).toBe(path.join(dir, 'etc/ca.pem'));
    expect(config.logging.file).toBe(path.join(cwd, 'here.log'));
  });

  it('the result is deeply frozen', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': MINIMAL_YAML });
    const config = await loadConfig({ cwd, env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.staging.tls)).toBe(true);
    expect(Object.isFrozen(config.notifications.to)).toBe(true);
  });
});
