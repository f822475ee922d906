import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { FIVE_MISTAKES, tempDir } from './helpers.js';

describe('validation reports every problem at once', () => {
  it('five mistakes give five problems with key, file and expectation', async () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': FIVE_MISTAKES });
    const err = (await loadConfig({ cwd, env: { SAGESYNC_ORO_CLIENT_SECRET: 's' } }).catch(
      (e: unknown) => e,
    )) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => p.path)).toEqual([
      'oro.url',
      'oro.pageSize',
      'oro.clientSecert',
      'staging.dialect',
      'notifications.to[0]',
    ]);
    for (const p of err.problems) expect(p.source).toBe(`${cwd}/.sagesyncrc.yaml`);
    expect(err.problems[2]?.message).toBe('unknown key (did you mean clientSecret?)');
    expect(err.problems[3]?.message).toContain('"mssql", "postgres", "embedded"');
    expect(err.message).toContain('5 problems');
  });

  it('a required key missing without any file says so and hints where to put it', async () => {
    const err = (await loadConfig({ cwd: tempDir(), env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems.map((p) => p.path)).toEqual(['oro']);
    expect(err.problems[0]?.message).toMatch(/^required/);
    expect(err.hint).toContain('--config');
  });

  it('never echoes a secret value in a problem', async () => {
    const cwd = tempDir({
      '.sagesyncrc.yaml':
        'oro:\n  url: https://x.example\n  clientId: a\n  clientSecret: 987654321\nstaging:\n  password: 123456789\n',
    });
    const err = (await loadConfig({ cwd, env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems.map((p) => p.path)).toEqual(['oro.clientSecret', 'staging.password']);
    expect(err.message).not.toContain('987654321');
    expect(err.message).not.toContain('123456789');
  });
});
