/**
 * `-c -` (issue 20): the configuration is read from standard input, YAML or JSON, by every command
 * that reads one; relative paths in it resolve against the working directory.
 */
import { Readable } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit.js';
import { readAll } from '../../src/cli/io.js';
import { tempDir } from '../config/helpers.js';
import { runCli, spawnCli } from './helpers.js';

const YAML = `oro:
  url: https://shop.example.com
  clientId: sagesync
  clientSecret: stdin-secret-41c
staging:
  dialect: postgres
  host: db.example.com
  database: erp
  user: sagesync
logging:
  file: ./logs/sagesync.log
`;

describe('--config - (standard input)', () => {
  it('validates YAML and JSON read from standard input', async () => {
    const cwd = tempDir();
    const yaml = await runCli(['-c', '-', 'config', 'validate'], { cwd, stdin: YAML });
    expect(yaml.code).toBe(EXIT.ok);
    expect(yaml.stdout).toBe('The configuration is valid (standard input).\n');

    const json = JSON.stringify({
      oro: { url: 'https://shop.example.com', clientId: 'a', clientSecret: 'b-secret' },
      staging: { dialect: 'embedded' },
    });
    expect((await runCli(['config', 'validate', '--config', '-'], { cwd, stdin: json })).code).toBe(EXIT.ok);
  });

  it('says standard input is where each value came from; relative paths resolve in the working directory', async () => {
    const cwd = tempDir();
    const r = await runCli(['config', 'show', '--json', '-c', '-'], { cwd, stdin: YAML });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).not.toContain('stdin-secret-41c');
    const { result } = JSON.parse(r.stdout) as {
      result: { file: null; settings: { key: string; value: unknown; source: string }[] };
    };
    expect(result.file).toBeNull();
    const file = result.settings.find((s) => s.key === 'logging.file');
    expect(file).toEqual({
      key: 'logging.file',
      value: path.join(cwd, 'logs/sagesync.log'),
      source: 'standard input',
    });
  });

  it('a problem names standard input as its source, and masks the secret of a text that does not parse', async () => {
    const cwd = tempDir();
    const bad = await runCli(['-c', '-', 'config', 'validate'], {
      cwd,
      stdin: YAML.replace('url: https://shop.example.com', 'url: nope'),
    });
    expect(bad.code).toBe(EXIT.config);
    expect(bad.stderr).toContain('oro.url (standard input)');

    const broken = await runCli(['-c', '-', 'config', 'validate'], {
      cwd,
      stdin: `${YAML}  : [unclosed\n`,
    });
    expect(broken.code).toBe(EXIT.config);
    expect(broken.stderr).toContain('standard input');
    expect(broken.stderr).not.toContain('stdin-secret-41c');
  });

  it('feeds any command that reads the configuration: migrate --print takes the dialect from it', async () => {
    const cwd = tempDir();
    const r = await runCli(['-c', '-', 'migrate', '--print'], { cwd, stdin: YAML });
    expect(r.code).toBe(EXIT.ok);
    // PostgreSQL DDL, as the configuration on stdin says (the default dialect is mssql).
    expect(r.stdout).toMatch(/CREATE TABLE IF NOT EXISTS/);
    expect(r.stdout).not.toMatch(/NVARCHAR/i);
  });

  it('init refuses it: it writes its configuration to a file', async () => {
    const r = await runCli(['init', '--non-interactive', '-c', '-'], { cwd: tempDir(), stdin: YAML });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('--config -');
  });

  it('the installed CLI reads its real standard input', () => {
    const r = spawnCli(['config', 'validate', '-c', '-'], { cwd: tempDir(), input: YAML });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe('The configuration is valid (standard input).\n');
  });

  it('reads at most the limit: an endless input stops there', async () => {
    const endless = Readable.from(
      (function* () {
        for (;;) yield Buffer.alloc(1024, 0x61);
      })(),
    );
    await expect(readAll(endless, 64 * 1024)).rejects.toThrow(/holds more than/);
    expect(await readAll(Readable.from([Buffer.from('a: 1\n'), 'b: 2\n']))).toBe('a: 1\nb: 2\n');
  });
});
