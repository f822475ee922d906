// @module-tag hostile
/**
 * Issue 18, points 9, 13, 14, 15 and 17: a hostile or unlucky configuration is a configuration
 * problem (exit 78) with its key named, never a crash, a hang, a polluted program or a secret
 * printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { inputJsonSchema } from '../../src/config/keys.js';
import { ConfigError } from '../../src/errors.js';
import { runCli, spawnCli } from '../cli/helpers.js';
import { MINIMAL_YAML, tempDir } from '../config/helpers.js';

const SECRET = 'Zq8-pX2_vR7m'; // 12 characters, as in the runs
const DB_PASSWORD = 'Hk4.wN9~tB3y';

async function problemsOf(files: Record<string, string>, env: Record<string, string> = {}) {
  const cwd = tempDir(files);
  const err = await loadConfig({ cwd, env }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return { cwd, err: err as ConfigError };
}

/** Every 4-character piece of a secret: the issue saw 9–10 of 12 characters leak. */
function expectNoPieceOf(text: string, secret: string): void {
  for (let i = 0; i + 4 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 4));
}

describe('a configuration that does not parse prints no secret (point 9)', () => {
  const broken: [string, string, string][] = [
    [
      'JSON, trailing comma',
      '.sagesyncrc.json',
      `{"oro":{"url":"https://x.example.com","clientId":"c","clientSecret":"${SECRET}",},"staging":{"password":"${DB_PASSWORD}"}}`,
    ],
    [
      'JSON, missing comma after the secret',
      '.sagesyncrc.json',
      `{"oro":{"clientSecret":"${SECRET}" "clientId":"c"},"staging":{"password":"${DB_PASSWORD}"}}`,
    ],
    [
      'JSON, secret first (the parser quotes the start of the file)',
      '.sagesyncrc.json',
      `{"staging":{"password":"${DB_PASSWORD}"},"oro":{"clientSecret":"${SECRET}" x}}`,
    ],
    [
      'YAML, duplicate keys',
      '.sagesyncrc.yaml',
      `oro:\n  clientSecret: ${SECRET}\n  clientSecret: ${SECRET}\nstaging:\n  password: ${DB_PASSWORD}\n`,
    ],
    [
      'YAML, truncated quote',
      '.sagesyncrc.yaml',
      `staging:\n  password: ${DB_PASSWORD}\noro:\n  clientSecret: "${SECRET}\n`,
    ],
    [
      'YAML, block scalar before the error',
      '.sagesyncrc.yaml',
      `oro:\n  clientSecret: |\n    ${SECRET}\n  clientId: [a\nstaging:\n  password: ${DB_PASSWORD}\n`,
    ],
    ['YAML flow style in .sagesyncrc', '.sagesyncrc', `{"oro": {"clientSecret":"${SECRET}" x}}`],
    [
      'YAML, a URL with a password',
      '.sagesyncrc.yaml',
      `staging:\n  url: postgres://u:${DB_PASSWORD}@db/x\n  host: [a\n`,
    ],
  ];

  it.each(broken)('%s: no piece of a secret in the problem', async (_name, file, content) => {
    const { err } = await problemsOf({ [file]: content });
    const text = JSON.stringify(err.problems) + err.message;
    expect(text).toMatch(/syntax error/);
    expectNoPieceOf(text, SECRET);
    expectNoPieceOf(text, DB_PASSWORD);
  });

  it('the code frame still shows where the error is and the keys around it', async () => {
    const { err } = await problemsOf({
      '.sagesyncrc.yaml': `oro:\n  clientSecret: ${SECRET}\n  clientSecret: ${SECRET}\n`,
    });
    const message = err.problems[0]?.message ?? '';
    expect(message).toContain('duplicated mapping key');
    expect(message).toContain('clientSecret: ***');
  });

  it('neither stderr nor --json shows it (the CLI)', async () => {
    const cwd = tempDir({
      '.sagesyncrc.yaml': `oro:\n  clientSecret: ${SECRET}\n  clientSecret: ${SECRET}\nstaging:\n  password: "${DB_PASSWORD}\n`,
    });
    for (const args of [['status'], ['--json', 'status']]) {
      const r = await runCli(args, { cwd });
      expect(r.code).toBe(78);
      expectNoPieceOf(r.stdout + r.stderr, SECRET);
      expectNoPieceOf(r.stdout + r.stderr, DB_PASSWORD);
    }
  });
});

describe('every number is bounded, nesting is bounded, a getter may throw (point 13)', () => {
  it('every numeric key of the schema has a maximum', () => {
    const unbounded: string[] = [];
    const walk = (node: unknown, at: string, inScalar: boolean): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if ((n.type === 'integer' || n.type === 'number') && !inScalar && n.maximum === undefined)
        unbounded.push(at);
      const alternatives = (n.anyOf ?? n.oneOf) as unknown[] | undefined;
      // A filter's value (string | number | boolean) is compared as text, not a setting.
      const scalarUnion = alternatives?.some((a) => (a as { type?: unknown }).type === 'string') ?? false;
      for (const [k, v] of Object.entries((n.properties ?? {}) as Record<string, unknown>))
        walk(v, `${at}.${k}`, false);
      for (const a of alternatives ?? []) walk(a, at, inScalar || scalarUnion);
      if (n.items) walk(n.items, `${at}[]`, inScalar);
      if (n.additionalProperties) walk(n.additionalProperties, `${at}.*`, inScalar);
    };
    walk(inputJsonSchema(), '', false);
    expect(unbounded).toEqual([]);
  });

  const oro = (line: string): string => MINIMAL_YAML.replace('oro:\n', `oro:\n  ${line}\n`);
  it.each([
    [oro('overlapSeconds: 10000000000000'), 'oro.overlapSeconds'],
    [oro('timeoutMs: 2147483648'), 'oro.timeoutMs'],
    [`${MINIMAL_YAML}notifications:\n  throttleMinutes: 99999999999\n`, 'notifications.throttleMinutes'],
    [`${MINIMAL_YAML}runAll:\n  maxDurationSeconds: 1000000000000\n`, 'runAll.maxDurationSeconds'],
  ])('%s is refused naming %s', async (yaml, key) => {
    const { err } = await problemsOf({ '.sagesyncrc.yaml': yaml });
    expect(err.problems.map((p) => p.path)).toEqual([key]);
  });

  it('JSON nested 200,000 deep is exit 78 naming the key, not a stack overflow (CLI)', () => {
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    const cwd = tempDir({
      '.sagesyncrc.json': `{"oro":{"url":"https://x.example.com","clientId":"c","clientSecret":"s"},"x":${deep}}`,
    });
    const r = spawnCli(['--json', 'status'], { cwd });
    expect(r.code).toBe(78);
    expect(r.stdout).toContain('nested more than 32 levels deep');
    expect(r.stdout + r.stderr).not.toContain('Maximum call stack');
  });

  it('a deep JSON environment variable is refused the same way', async () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const { err } = await problemsOf(
      { '.sagesyncrc.yaml': MINIMAL_YAML },
      { SAGESYNC_ORDERS_CRITERIA: deep },
    );
    expect(err.problems[0]).toMatchObject({ source: 'environment $SAGESYNC_ORDERS_CRITERIA' });
    expect(err.problems[0]?.message).toContain('nested more than 32 levels deep');
  });

  it('a .cjs configuration with a throwing getter names the key', async () => {
    const { err } = await problemsOf({
      'sagesync.config.cjs': `module.exports = { staging: { get dialect() { throw new Error('no dialect today'); } } };\n`,
    });
    expect(err.problems).toEqual([
      expect.objectContaining({
        path: 'staging.dialect',
        message: 'reading this key threw: no dialect today',
      }),
    ]);
  });

  it('a .ts configuration with a syntax error names the error and its line (CLI)', () => {
    const cwd = tempDir({ 'sagesync.config.ts': 'const a: number = ;\nexport default {};\n' });
    const r = spawnCli(['--json', 'status'], { cwd });
    expect(r.code).toBe(78);
    const out = JSON.parse(r.stdout) as { error: { problems: { source: string; message: string }[] } };
    expect(out.error.problems[0]?.message).toBe(
      'TypeScript syntax error: Expression expected. (line 1, column 19)',
    );
    expect(out.error.problems[0]?.source).toBe(path.join(cwd, 'sagesync.config.ts'));
    expect(r.stdout).not.toContain('bug in Node.js');
  });
});

describe('prototype keys (point 14)', () => {
  it.each([
    ['.sagesyncrc.json', `{"__proto__":{"polluted":1},"oro":{"url":"https://x.example.com"}}`, '__proto__'],
    ['.sagesyncrc.yaml', `__proto__:\n  polluted: 1\n`, '__proto__'],
    [
      '.sagesyncrc.yaml',
      `orders:\n  customAttributes:\n    constructor: x\n`,
      'orders.customAttributes.constructor',
    ],
  ])('%s %s: refused, Object.prototype untouched', async (file, content, key) => {
    const { err } = await problemsOf({ [file]: content });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(err.problems).toContainEqual(expect.objectContaining({ path: key }));
    expect(err.problems.find((p) => p.path === key)?.message).toContain('is not a setting');
  });

  it('from an environment variable too', async () => {
    const { err } = await problemsOf(
      { '.sagesyncrc.yaml': MINIMAL_YAML },
      { SAGESYNC_ORDERS_CRITERIA: '{"__proto__":{"polluted":1}}' },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(err.problems[0]).toMatchObject({
      path: 'orders.criteria.__proto__',
      source: 'environment $SAGESYNC_ORDERS_CRITERIA',
    });
  });
});

describe('*File secrets: regular files of bounded size only (point 15)', () => {
  const withSecretFile = (file: string): Record<string, string> => ({
    '.sagesyncrc.yaml': MINIMAL_YAML.replace('  clientSecret: from-file\n', `  clientSecretFile: ${file}\n`),
  });

  it('a FIFO is refused at once, not read forever', async () => {
    const cwd = tempDir();
    execFileSync('mkfifo', [path.join(cwd, 'secret.fifo')]);
    const err = await loadConfig({
      cwd,
      configPath: undefined,
      env: { SAGESYNC_ORO_CLIENT_SECRET_FILE: 'secret.fifo' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toContainEqual(
      expect.objectContaining({
        path: 'oro.clientSecretFile',
        message: expect.stringContaining('a named pipe (FIFO), not a regular file') as unknown,
      }),
    );
  }, 10_000);

  it.each([
    ['/dev/zero', 'a device'],
    ['/tmp', 'a directory'],
  ])('%s is refused (%s)', async (file, kind) => {
    const { err } = await problemsOf(withSecretFile(file));
    expect(err.problems).toEqual([
      expect.objectContaining({
        path: 'oro.clientSecretFile',
        message: `cannot read the secret file ${file}: it is ${kind}, not a regular file`,
      }),
    ]);
  });

  it('a file over 64 KiB is refused; a link to a regular file (a Kubernetes mount) is read', async () => {
    const big = await problemsOf({ ...withSecretFile('big'), big: 'x'.repeat(64 * 1024 + 1) });
    expect(big.err.problems[0]?.message).toContain('more than 64 KiB');

    const cwd = tempDir({ ...withSecretFile('mount/clientSecret'), 'mount/..data/clientSecret': 'linked\n' });
    mkdirSync(path.join(cwd, 'mount'), { recursive: true });
    symlinkSync('..data/clientSecret', path.join(cwd, 'mount/clientSecret'));
    const config = await loadConfig({ cwd, env: {} });
    expect(config.oro.clientSecret).toBe('linked');
  });
});

describe('environment problems name the variable; staging.url with staging.host is refused (point 17)', () => {
  it.each([
    [
      { SAGESYNC_STREAMS: '[{"name":"Bad Name","direction":"push"}]' },
      'streams[0].name',
      'environment $SAGESYNC_STREAMS',
    ],
    [
      { SAGESYNC_NOTIFICATIONS_TO: 'ops@example.com,not-an-address' },
      'notifications.to[1]',
      'environment $SAGESYNC_NOTIFICATIONS_TO',
    ],
    [
      { SAGESYNC_STAGING_SSH_TUNNEL_HOST: 'bastion' },
      'staging.sshTunnel.username',
      'environment $SAGESYNC_STAGING_SSH_TUNNEL_HOST',
    ],
  ])('%o: %s from %s', async (env, key, source) => {
    const { err } = await problemsOf({ '.sagesyncrc.yaml': MINIMAL_YAML }, env);
    expect(err.problems).toContainEqual(expect.objectContaining({ path: key, source }));
  });

  it('a missing key of a top-level section stays the file’s', async () => {
    const { cwd, err } = await problemsOf(
      { '.sagesyncrc.yaml': 'staging:\n  dialect: embedded\n' },
      { SAGESYNC_ORO_URL: 'https://x.example.com' },
    );
    expect(err.problems).toContainEqual(
      expect.objectContaining({ path: 'oro.clientId', source: path.join(cwd, '.sagesyncrc.yaml') }),
    );
  });

  it('staging.url and staging.host: both named', async () => {
    const { cwd, err } = await problemsOf(
      { '.sagesyncrc.yaml': MINIMAL_YAML.replace('dialect: embedded', 'dialect: postgres\n  host: db-a') },
      { SAGESYNC_STAGING_URL: 'postgres://sync@db-b:5432/x3' },
    );
    expect(err.problems).toEqual([
      {
        path: 'staging.url',
        source: 'environment $SAGESYNC_STAGING_URL',
        message: `staging.host (${path.join(cwd, '.sagesyncrc.yaml')}) is set too, and the URL gives host as well: set the database's address either as staging.url or as the separate keys, not both`,
      },
    ]);
  });

  it('a URL without a password and staging.passwordFile is fine (the usual secret mount)', async () => {
    const cwd = tempDir({
      '.sagesyncrc.yaml': MINIMAL_YAML.replace(
        'dialect: embedded',
        'dialect: postgres\n  url: postgres://sync@db:5432/x3\n  passwordFile: pw',
      ),
      pw: 'secret\n',
    });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.staging.password).toBe('secret');
  });
});
