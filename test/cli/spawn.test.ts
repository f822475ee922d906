/** The built CLI as cron would run it (`npm test` builds dist/ first). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIVE_MISTAKES, tempDir } from '../config/helpers.js';
import { spawnCli } from './helpers.js';

describe('bin/sagesync (built)', () => {
  it('a file with five mistakes: five messages and exit 78', () => {
    const cwd = tempDir({ '.sagesyncrc.yaml': FIVE_MISTAKES });
    const r = spawnCli(['push-orders'], { cwd, env: { SAGESYNC_ORO_CLIENT_SECRET: 's' } });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    // Not a terminal: one JSON line, like the log (one format per stream), every problem in it.
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as {
      exitCode: number;
      message: string;
      error: { problems: unknown[] };
    };
    expect(line.exitCode).toBe(78);
    expect(line.error.problems).toHaveLength(5);
    expect(line.message).toContain('5 problems');
  });

  it('--help loads no database driver, HTTP client or logger', () => {
    const dir = tempDir();
    // A module resolution hook (node:module register) that reports every package resolved.
    writeFileSync(
      path.join(dir, 'hooks.mjs'),
      `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
  if (m) writeSync(2, 'LOADED ' + m[1] + '\\n');
  return r;
}\n`,
    );
    writeFileSync(
      path.join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
    );
    const r = spawnCli(['--help'], { nodeArgs: ['--import', path.join(dir, 'register.mjs')] });
    expect(r.code).toBe(0);
    const loaded = new Set([...r.stderr.matchAll(/^LOADED (.+)$/gm)].map((m) => m[1]));
    expect(loaded.has('commander'), r.stderr).toBe(true); // the hook works
    for (const heavy of [
      'mssql',
      'tedious',
      'pg',
      '@electric-sql/pglite',
      'axios',
      'winston',
      'nodemailer',
      'ssh2',
      '@inquirer/prompts',
      '@inquirer/core',
    ]) {
      expect(loaded.has(heavy), `${heavy} loaded by --help`).toBe(false);
    }
  });

  it('migrate --print works for both dialects without any configuration or database', () => {
    const cwd = tempDir();
    for (const dialect of ['postgres', 'mssql']) {
      const r = spawnCli(['migrate', '--print', '--dialect', dialect], { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/CREATE TABLE/i);
      expect(r.stdout).toContain('sagesync_app');
    }
    const role = spawnCli(['migrate', '--print', '--dialect', 'postgres', '--role', 'x3_sync'], { cwd });
    expect(role.stdout).toContain('x3_sync');
    const json = spawnCli(['migrate', '--print', '--dialect', 'mssql', '--json'], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, result: { dialect: 'mssql' } });
    expect(spawnCli(['migrate', '--print', '--role', 'x; DROP'], { cwd }).code).toBe(64);
  });
});
