/**
 * Review finding 6: `sagesync init`'s file writer (src/ops/init/write-plan.ts) installed its own
 * SIGINT handler, below the CLI. Signals belong to the CLI (STYLE.md: one exit boundary; inject,
 * don't import, the outside world): src/index.ts handles SIGTERM, SIGINT and SIGHUP for every
 * command and passes the stop down (`env.stop`, init's `deps.stopped`). The writer now takes
 * that stop: one that arrived before the renames writes nothing, and a Ctrl-C during them waits
 * for them because the CLI's handlers run only between turns of the event loop.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PromptInterrupted } from '../../src/ops/init/prompter.js';
import { applyWrite, planWrite } from '../../src/ops/init/write-plan.js';
import { tempDir } from '../config/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('signals are handled at the CLI only', () => {
  it('no module under src/ but src/index.ts listens to a process event other than exit', async () => {
    const found: string[] = [];
    for (const file of await sources(join(ROOT, 'src'))) {
      const name = relative(ROOT, file);
      if (name === join('src', 'index.ts')) continue;
      const text = await readFile(file, 'utf8');
      // `exit` is allowed: the embedded database's lock file is removed when the process ends,
      // however it ends (src/staging/postgres/pglite-lock-file.ts); it handles no signal.
      for (const m of text.matchAll(
        /process\s*\.\s*(?:on|once|addListener|prependListener|prependOnceListener)\s*\(\s*([^,)]*)/g,
      )) {
        if (m[1]?.trim() !== "'exit'") found.push(`${name}: ${m[0]}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('init writes nothing when the stop came before the renames, and leaves no private folder', () => {
    const dir = tempDir();
    const configPath = join(dir, '.sagesyncrc.yaml');
    writeFileSync(configPath, 'old: true\n');
    const plan = planWrite(
      { oro: { url: 'https://shop.example.com', clientId: 'id', clientSecret: 'secret-1' } },
      { configPath, secrets: 'files', header: ['test'] },
    );
    const now = new Date('2026-12-07T04:00:00Z');
    expect(() => applyWrite(plan, { force: true, now, stopped: () => true })).toThrow(PromptInterrupted);
    expect(readFileSync(configPath, 'utf8')).toBe('old: true\n');
    expect(readdirSync(dir)).toEqual(['.sagesyncrc.yaml']);

    // Not stopped: written, the old file kept as a backup.
    const applied = applyWrite(plan, { force: true, now, stopped: () => false });
    expect(applied.written).toContain(configPath);
    expect(applied.backups).toHaveLength(1);
    expect(existsSync(join(dir, '.sagesync', 'secrets', 'oro-client-secret'))).toBe(true);
  });
});
