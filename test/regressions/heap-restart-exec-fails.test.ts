/**
 * Review of the heap tuning (src/cli/heap-tuning.ts): it said a failed execve "leaves the process
 * as it was: the job runs". Node does not return from a failed execve(2): it prints "process.execve
 * failed with error code EACCES" and aborts (SIGABRT, exit 134, a core file where they are kept),
 * so a run whose Node binary could no longer be executed (removed or replaced by an upgrade since
 * it started) would have died before doing anything. The restart is now tried only when the binary
 * can be executed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { capYoungGeneration, type NodeProcess } from '../../src/cli/heap-tuning.js';
import { ROOT } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sagesync-execve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** A file that is not executable (mode 0644), and one that does not exist. */
const notExecutable = join(dir, 'node-0644');
writeFileSync(notExecutable, '#!/bin/sh\n');
chmodSync(notExecutable, 0o644);
const removed = join(dir, 'node-removed');

const hasExecve = typeof (process as NodeProcess).execve === 'function';
if (!hasExecve)
  console.warn(
    `heap-restart-exec-fails.test.ts: Node ${process.version} has no process.execve: the real execve case runs under Node 22 and 24 (.ci/run)`,
  );

describe('the heap restart when Node cannot be executed again', () => {
  it.each([
    ['not executable', notExecutable],
    ['removed', removed],
  ])('does not call execve when the binary is %s', (_what, execPath) => {
    const calls: unknown[] = [];
    capYoungGeneration({
      execPath,
      execArgv: [],
      argv: [execPath, '/opt/sagesync/bin/sagesync', 'run-all'],
      env: {},
      execve: ((...a: unknown[]) => calls.push(a)) as unknown as NodeProcess['execve'],
    });
    expect(calls).toEqual([]);
  });

  it.skipIf(!hasExecve).each([
    ['not executable', notExecutable],
    ['removed', removed],
  ])('runs on, under the real process.execve, when the binary is %s', (_what, execPath) => {
    const tuning = pathToFileURL(join(ROOT, 'dist/cli/heap-tuning.js')).href;
    const script = `import { capYoungGeneration } from ${JSON.stringify(tuning)};
capYoungGeneration({ execPath: ${JSON.stringify(execPath)}, execArgv: [], argv: process.argv,
  env: process.env, execve: process.execve });
console.log('ran on');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect({ status: r.status, signal: r.signal, stdout: r.stdout }, r.stderr).toEqual({
      status: 0,
      signal: null,
      stdout: 'ran on\n',
    });
  });
});
