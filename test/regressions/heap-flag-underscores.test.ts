/**
 * Review of the heap tuning (src/cli/heap-tuning.ts): an operator's `--max_semi_space_size=16`
 * in NODE_OPTIONS (V8's own spelling, which Node accepts) was not seen as a size given, so
 * bin/sagesync restarted with `--max-semi-space-size=8` on the command line, which wins over
 * NODE_OPTIONS: the operator's size was silently replaced (man sagesync(1) says it is kept). The
 * same for `--heap_growing_percent` on Node's command line, replaced by v8.setFlagsFromString.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { restartArgs, slowHeapGrowth, type NodeProcess } from '../../src/cli/heap-tuning.js';
import { CLI } from '../cli/sandbox-cli.js';
import { fakeNodeProcess as fake } from '../cli/fake-node-process.js';

describe("V8's underscore spelling of a heap flag the operator gives", () => {
  it('keeps a semi-space size given as --max_semi_space_size, in NODE_OPTIONS or on the command line', () => {
    expect(restartArgs(fake({ env: { NODE_OPTIONS: '--max_semi_space_size=16' } }))).toBeUndefined();
    expect(restartArgs(fake({ execArgv: ['--max_semi_space_size', '16'] }))).toBeUndefined();
  });

  it('keeps a growing factor given as --heap_growing_percent', () => {
    const set: string[] = [];
    slowHeapGrowth(['--heap_growing_percent=50'], (f) => set.push(f));
    expect(set).toEqual([]);
  });

  const hasExecve = typeof (process as NodeProcess).execve === 'function';
  if (!hasExecve)
    console.warn(
      `heap-flag-underscores.test.ts: Node ${process.version} has no process.execve (no restart): the bin case runs under Node 22 and 24 (.ci/run)`,
    );
  it.skipIf(!hasExecve)('bin/sagesync does not restart over NODE_OPTIONS=--max_semi_space_size=16', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sagesync-heapflag-'));
    try {
      const out = join(dir, 'out.jsonl');
      const probe = join(dir, 'probe.mjs');
      writeFileSync(
        probe,
        `import { appendFileSync } from 'node:fs';
process.on('exit', () => appendFileSync(${JSON.stringify(out)}, JSON.stringify(process.execArgv) + '\\n'));`,
      );
      const r = spawnSync(process.execPath, [CLI, '--version'], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          NODE_OPTIONS: `--import=${pathToFileURL(probe).href} --max_semi_space_size=16`,
        },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe('[]\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
