/**
 * `sagesync config show` and `sagesync config validate` (issue 20): the effective configuration
 * with where each value came from and secrets masked; exit 0 or 78, connecting to nothing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit.js';
import { tempDir } from '../config/helpers.js';
import { runCli } from './helpers.js';

const FILE = `oro:
  url: https://shop.example.com
  clientId: sagesync
  pageSize: 250
staging:
  url: postgres://sagesync:db-pass-9f3@db.example.com/erp
  dialect: postgres
`;

interface Setting {
  key: string;
  value: unknown;
  source: string;
}

const setting = (settings: Setting[], key: string): Setting | undefined =>
  settings.find((s) => s.key === key);

describe('sagesync config show', () => {
  it('prints each key with its value and source; secrets are masked everywhere', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': FILE });
    const env = { SAGESYNC_ORO_CLIENT_SECRET: 'oro-secret-77e1', SAGESYNC_ORO_TIMEOUT_MS: '45000' };
    const r = await runCli(['config', 'show'], { cwd, env });
    expect(r.code).toBe(EXIT.ok);
    const file = path.join(cwd, '.sagesyncrc.yaml');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`# ${file}`);
    expect(lines).toContain(`oro.pageSize = 250  # file ${file}`);
    expect(lines).toContain('oro.timeoutMs = 45000  # environment $SAGESYNC_ORO_TIMEOUT_MS');
    expect(lines).toContain('oro.clientSecret = "[redacted]"  # environment $SAGESYNC_ORO_CLIENT_SECRET');
    expect(lines).toContain('oro.maxRetries = 5  # default');
    expect(r.stdout).toContain(`staging.url = "postgres://sagesync:[redacted]@db.example.com/erp"`);
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain('oro-secret-77e1');
      expect(out).not.toContain('db-pass-9f3');
    }

    const json = await runCli(['config', 'show', '--json'], { cwd, env });
    expect(json.code).toBe(EXIT.ok);
    expect(json.stdout).not.toContain('oro-secret-77e1');
    expect(json.stdout).not.toContain('db-pass-9f3');
    const { result } = JSON.parse(json.stdout) as { result: { file: string; settings: Setting[] } };
    expect(result.file).toBe(file);
    expect(setting(result.settings, 'oro.pageSize')).toEqual({
      key: 'oro.pageSize',
      value: 250,
      source: `file ${file}`,
    });
    // The source of a secret stays readable in JSON; only its value is masked.
    expect(setting(result.settings, 'oro.clientSecret')).toEqual({
      key: 'oro.clientSecret',
      value: '[redacted]',
      source: 'environment $SAGESYNC_ORO_CLIENT_SECRET',
    });
    expect(setting(result.settings, 'staging.dialect')?.source).toBe(`file ${file}`);
    expect(setting(result.settings, 'oro.overlapSeconds')).toMatchObject({ value: 300, source: 'default' });
  });

  it('names the *File a secret was read from, and never prints its content', async () => {
    const cwd = tempDir({
      '.sagesyncrc.yaml': `${FILE.replace('  pageSize: 250\n', '  clientSecretFile: ./secrets/oro\n')}`,
      'secrets/oro': 'from-a-file-5b2\n',
    });
    const r = await runCli(['config', 'show', '--json'], { cwd });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).not.toContain('from-a-file-5b2');
    const { result } = JSON.parse(r.stdout) as { result: { settings: Setting[] } };
    const file = path.join(cwd, '.sagesyncrc.yaml');
    expect(setting(result.settings, 'oro.clientSecret')).toEqual({
      key: 'oro.clientSecret',
      value: '[redacted]',
      source: `file ${file} (oro.clientSecretFile ${path.join(cwd, 'secrets/oro')})`,
    });
  });

  it('an invalid configuration exits 78 with every problem', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': 'oro:\n  url: nope\nlogging:\n  level: loud\n' });
    const r = await runCli(['config', 'show'], { cwd });
    expect(r.code).toBe(EXIT.config);
    expect(r.stdout).toBe('');
    for (const key of ['oro.url', 'oro.clientId', 'logging.level']) expect(r.stderr).toContain(key);
  });
});

describe('sagesync config validate', () => {
  it('exits 0 for a valid configuration and says which file it checked', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': FILE });
    const r = await runCli(['config', 'validate'], {
      cwd,
      env: { SAGESYNC_ORO_CLIENT_SECRET: 'x-secret', SAGESYNC_NOT_A_KEY: '1' },
    });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe(`The configuration is valid (${path.join(cwd, '.sagesyncrc.yaml')}).\n`);
    // A variable that names no key is worth a word: it is probably a typo.
    expect(r.stderr).toContain('SAGESYNC_NOT_A_KEY');
  });

  it('exits 78 naming every problem, and writes nothing, not even the log file it names', async () => {
    const cwd = tempDir({
      '.sagesyncrc.yaml':
        'oro:\n  url: nope\n  clientId: x\n  clientSecret: y\n  pageSize: lots\nlogging:\n  file: ./sagesync.log\n',
    });
    const r = await runCli(['config', 'validate', '--json'], { cwd });
    expect(r.code).toBe(EXIT.config);
    const out = JSON.parse(r.stdout) as { ok: boolean; error: { problems: { path: string }[] } };
    expect(out.ok).toBe(false);
    expect(out.error.problems.map((p) => p.path).sort()).toEqual(['oro.pageSize', 'oro.url']);
    expect(existsSync(path.join(cwd, 'sagesync.log'))).toBe(false);

    // The same configuration under another command logs the error into that file.
    expect((await runCli(['status'], { cwd })).code).toBe(EXIT.config);
    expect(existsSync(path.join(cwd, 'sagesync.log'))).toBe(true);
  });

  it('without any configuration exits 78 and says how to give one', async () => {
    const r = await runCli(['config', 'validate'], { cwd: tempDir() });
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain('No configuration file was found');
  });
});
