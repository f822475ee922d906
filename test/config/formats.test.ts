import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigDetailed } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from './helpers.js';

const oro = { url: 'https://shop.example.com', clientId: 'sagesync', clientSecret: 's' };
const json = JSON.stringify({ oro, staging: { dialect: 'postgres' } });
const yaml = `oro:\n  url: ${oro.url}\n  clientId: ${oro.clientId}\n  clientSecret: ${oro.clientSecret}\nstaging:\n  dialect: postgres\n`;
const cjs = `module.exports = ${json};\n`;
const esm = `export default ${json};\n`;
const ts = `interface C { oro: { url: string; clientId: string; clientSecret: string } }\nconst c: C & { staging: { dialect: 'postgres' } } = ${json};\nexport default c;\n`;

const formats: [string, string][] = [
  ['.sagesyncrc', yaml],
  ['.sagesyncrc', json],
  ['.sagesyncrc.json', json],
  ['.sagesyncrc.yaml', yaml],
  ['.sagesyncrc.yml', yaml],
  ['.sagesyncrc.js', cjs],
  ['.sagesyncrc.cjs', cjs],
  ['.sagesyncrc.mjs', esm],
  ['.sagesyncrc.ts', ts],
  ['sagesync.config.js', cjs],
  ['sagesync.config.cjs', cjs],
  ['sagesync.config.mjs', esm],
  ['sagesync.config.ts', ts],
  ['package.json', JSON.stringify({ name: 'x', sagesync: JSON.parse(json) as unknown })],
];

describe('every configuration format of the contract loads', () => {
  it.each(formats)('%s', async (name, content) => {
    const cwd = tempDir({ [name]: content });
    const loaded = await loadConfigDetailed({ cwd, env: {} });
    expect(loaded.filepath).toMatch(new RegExp(`${name.replace('.', '\\.')}$`));
    expect(loaded.config.oro.url).toBe(oro.url);
    expect(loaded.config.staging.dialect).toBe('postgres');
    // defaults from the contract
    expect(loaded.config.oro.pageSize).toBe(100);
    expect(loaded.config.staging.tablePrefix).toBe('sagesync_');
  });

  it('--config and $SAGESYNC_CONFIG name a file anywhere; --config wins', async () => {
    const a = tempDir({ 'a.yaml': yaml });
    const b = tempDir({ 'b.yaml': yaml.replace('postgres', 'mssql') });
    const cwd = tempDir();
    const viaEnv = await loadConfig({ cwd, env: { SAGESYNC_CONFIG: `${b}/b.yaml` } });
    expect(viaEnv.staging.dialect).toBe('mssql');
    const viaOption = await loadConfig({
      cwd,
      configPath: `${a}/a.yaml`,
      env: { SAGESYNC_CONFIG: `${b}/b.yaml` },
    });
    expect(viaOption.staging.dialect).toBe('postgres');
  });

  it('a missing --config file is a configuration problem naming the file', async () => {
    const cwd = tempDir();
    const err = await loadConfig({ cwd, configPath: 'nope.yaml', env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]?.message).toContain('nope.yaml');
  });

  it('a YAML syntax error is a configuration problem, not a crash', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': 'oro: [unclosed\n' });
    const err = await loadConfig({ cwd, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]?.source).toContain('.sagesyncrc.yaml');
  });

  it('a criteria function (sync or async) survives validation and freezing', async () => {
    const cwd = tempDir({
      'sagesync.config.mjs': `export default { oro: ${JSON.stringify(oro)}, orders: { criteria: async (o) => o.id === '7' } };\n`,
    });
    const config = await loadConfig({ cwd, env: {} });
    const criteria = config.orders.criteria;
    expect(typeof criteria).toBe('function');
    if (typeof criteria !== 'function') throw new Error('unreachable');
    expect(await criteria({ id: '7' })).toBe(true);
    expect(await criteria({ id: '8' })).toBe(false);
    expect(Object.isFrozen(config.orders)).toBe(true);
  });

  it('a .ts configuration can hold a typed criteria function', async () => {
    const cwd = tempDir({
      'sagesync.config.ts': `export default { oro: ${JSON.stringify(oro)}, orders: { criteria: (o: { id: string }): boolean => o.id !== '1' } };\n`,
    });
    const config = await loadConfig({ cwd, env: {} });
    expect(typeof config.orders.criteria).toBe('function');
  });

  it('allows an editor "$schema" key', async () => {
    const cwd = tempDir({ '.sagesyncrc.json': JSON.stringify({ $schema: './schema.json', oro }) });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.oro.clientId).toBe('sagesync');
  });
});
