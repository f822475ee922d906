// @module-tag hostile
/**
 * Issue 18, point 10: the embedded database (customers' names, addresses, e-mails) and the log
 * file are this user's only, whatever the umask: directories 0700, files 0600. Run with umask 0,
 * as the report found (968 of 1,035 files were 0666).
 */
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/staging/open-store.js';

let previous = 0;
beforeAll(() => {
  previous = process.umask(0);
});
// Each test's folder (an embedded database is about 30 MB) goes when the file's tests end.
const made: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-modes-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  process.umask(previous);
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Paths under `root` whose mode is not 0700 (directories) or 0600 (files). */
function tooOpen(root: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = lstatSync(p);
    const want = st.isDirectory() ? 0o700 : 0o600;
    if (!st.isSymbolicLink() && (st.mode & 0o777) !== want) out.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(root);
  return out;
}

describe('file modes (issue 18)', () => {
  it('the embedded database directory and every file in it are private, also ones left open before', async () => {
    const dir = tempDir();
    const path = join(dir, 'staging');
    const config = configSchema.parse({
      oro: { url: 'https://shop.example.com', clientId: 'c', clientSecret: 's' },
      staging: { dialect: 'embedded', path },
    }) as Config;
    let store = await openStore(config);
    await store.migrate();
    await store.close();
    expect(tooOpen(path)).toEqual([]);
    // A file an older version (or a copy) left world-writable is tightened at the next open.
    chmodSync(join(path, 'PG_VERSION'), 0o666);
    store = await openStore(config);
    await store.close();
    expect(tooOpen(path)).toEqual([]);
  }, 120_000);

  it('a log file sagesync creates is 0600', async () => {
    const dir = tempDir();
    const file = join(dir, 'sagesync.log');
    const logger = createLogger({ level: 'info', format: 'json', file, communication: false } as never, {
      stream: { write: () => true } as never,
    });
    logger.info('hello');
    await logger.close();
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
  });
});
