// @module-tag hostile
/**
 * Issue 18, point 16: the log was lost silently when `logging.file` was a directory, unwritable
 * or on a full disk (exit 0, no warning), and it followed symbolic links (appending customers'
 * data wherever a link pointed, or creating a dangling link's target). Now the file is opened
 * without following a link, only a regular file is written, and every failure is one warning on
 * stderr while the run goes on (its exit code unchanged).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { runCli } from '../cli/helpers.js';
import { mountSmallDisk } from './small-disk.js';

const dir = mkdtempSync(join(tmpdir(), 'sagesync-logfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const logging = { level: 'info', format: 'json', communication: false } as const;

/** Logs two lines to `file` and returns what stderr got. */
async function logTo(file: string): Promise<string> {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const logger = createLogger({ ...logging, file }, { stream: stderr });
  logger.info('order SO-1 staged for Customer One');
  logger.info('order SO-2 staged for Customer Two');
  await logger.close();
  return text;
}

const warnings = (stderr: string): string[] =>
  stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: string; message: string })
    .filter((l) => l.level === 'warn')
    .map((l) => l.message);

describe('logging.file that cannot be written (point 16)', () => {
  it('a directory: one warning on stderr, the lines still reach stderr', async () => {
    const target = join(dir, 'a-directory');
    mkdirSync(target);
    const stderr = await logTo(target);
    expect(warnings(stderr)).toEqual([
      `The log file ${target} is not written (it is a directory); this run logs to stderr only.`,
    ]);
    expect(stderr).toContain('order SO-2 staged');
  });

  it('a link is not followed: its target is left alone and a dangling target is not created', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    const link = join(dir, 'link.log');
    symlinkSync(victim, link);
    const stderr = await logTo(link);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(warnings(stderr)[0]).toContain('it is a symbolic link, which sagesync does not follow');

    const dangling = join(dir, 'dangling.log');
    const nowhere = join(dir, 'created-by-nobody.txt');
    symlinkSync(nowhere, dangling);
    await logTo(dangling);
    expect(existsSync(nowhere)).toBe(false);
  });

  it('a named pipe nobody reads does not hang the run', async () => {
    const fifo = join(dir, 'pipe.log');
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fifo]);
    const stderr = await logTo(fifo);
    expect(warnings(stderr)[0]).toContain('it is a named pipe nobody reads');
  });

  it('a missing directory is created, private', async () => {
    const file = join(dir, 'new', 'sub', 'sagesync.log');
    expect(warnings(await logTo(file))).toEqual([]);
    expect(readFileSync(file, 'utf8')).toContain('order SO-2 staged');
  });

  it('the CLI: a run whose log file is a directory exits as it would and says so', async () => {
    const cwd = mkdtempSync(join(dir, 'cli-'));
    mkdirSync(join(cwd, 'logs.d'));
    writeFileSync(
      join(cwd, '.sagesyncrc.json'),
      JSON.stringify({
        oro: { url: 'https://shop.example.com', clientId: 'c', clientSecret: 's' },
        staging: { dialect: 'embedded', path: './staging' },
        logging: { file: './logs.d' },
      }),
    );
    const r = await runCli(['migrate'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`The log file ${join(cwd, 'logs.d')} is not written (it is a directory)`);
  }, 120_000);

  it('a configuration error is not appended through a link either', async () => {
    const cwd = mkdtempSync(join(dir, 'cli-'));
    const victim = join(cwd, 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, join(cwd, 'sagesync.log'));
    writeFileSync(
      join(cwd, '.sagesyncrc.json'),
      JSON.stringify({ oro: { url: 'not a url' }, logging: { file: './sagesync.log' } }),
    );
    const r = await runCli(['status'], { cwd });
    expect(r.code).toBe(78);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
  });
});

describe('logging.file on a full or read-only disk (point 16)', () => {
  const disk = mountSmallDisk(256);
  const readOnly = mountSmallDisk(64, { readOnly: true });
  afterAll(() => {
    if ('dir' in disk) disk.unmount();
    if ('dir' in readOnly) readOnly.unmount();
  });
  if (!('dir' in disk)) console.warn(`log-file.test.ts: full-disk test skipped: ${disk.cannot}`);
  if (!('dir' in readOnly)) console.warn(`log-file.test.ts: read-only-disk test skipped: ${readOnly.cannot}`);

  it.skipIf(!('dir' in disk))('a full disk: one warning, the run goes on logging to stderr', async () => {
    if (!('dir' in disk)) return;
    const file = join(disk.dir, 'sagesync.log');
    writeFileSync(file, '');
    disk.fill();
    const stderr = await logTo(file);
    expect(warnings(stderr)).toEqual([
      `The log file ${file} is not written (writing it failed: the disk is full); this run logs to stderr only.`,
    ]);
    expect(stderr).toContain('order SO-2 staged');
    disk.free();
  });

  it.skipIf(!('dir' in readOnly))('a read-only file system: one warning', async () => {
    if (!('dir' in readOnly)) return;
    const file = join(readOnly.dir, 'sagesync.log');
    expect(warnings(await logTo(file))).toEqual([
      `The log file ${file} is not written (the file system is read-only); this run logs to stderr only.`,
    ]);
  });
});
