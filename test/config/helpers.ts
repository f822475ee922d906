import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory holding the given files (relative path → content). */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagesync-config-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export const MINIMAL_YAML = `oro:\n  url: https://shop.example.com\n  clientId: sagesync\n  clientSecret: from-file\nstaging:\n  dialect: embedded\n`;

/** Five mistakes: a bad URL, a typo, a word for a number, an unknown dialect, a bad address. */
export const FIVE_MISTAKES = `oro:
  url: not-a-url
  clientId: sagesync
  clientSecert: typo
  pageSize: lots
staging:
  dialect: oracle
notifications:
  to: [not-an-address]
`;
