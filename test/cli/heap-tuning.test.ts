/**
 * The heap tuning bin/sagesync applies (src/cli/heap-tuning.ts, issue 21): where Node has
 * `process.execve`, `bin/sagesync` restarts itself once with `--max-semi-space-size=8`, in the
 * same process, unless a size is already given. The CLI part runs the real bin under this Node:
 * under Node 20 (no execve) it checks that nothing restarts, under Node 22 and 24 (.ci/run's
 * subsets) that the restart happens, keeps the PID and runs the command once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  capYoungGeneration,
  flagGiven,
  restartArgs,
  slowHeapGrowth,
  type NodeProcess,
} from '../../src/cli/heap-tuning.js';
import { CLI } from './sandbox-cli.js';
import { fakeNodeProcess as fake } from './fake-node-process.js';

describe('capYoungGeneration', () => {
  it('restarts with the cap before the flags and arguments Node was given', () => {
    expect(restartArgs(fake())).toEqual([
      '/opt/node/bin/node',
      '--max-semi-space-size=8',
      '--enable-source-maps',
      '/opt/sagesync/bin/sagesync',
      'run-all',
      '-c',
      'x.yaml',
    ]);
  });

  it('leaves a size given on the command line or in NODE_OPTIONS, and Node without execve, alone', () => {
    expect(restartArgs(fake({ execArgv: ['--max-semi-space-size=32'] }))).toBeUndefined();
    expect(
      restartArgs(fake({ env: { NODE_OPTIONS: '--import=x.mjs  --max-semi-space-size=4' } })),
    ).toBeUndefined();
    expect(restartArgs(fake({ execve: undefined }))).toBeUndefined();
    expect(flagGiven('--max-semi-space-size', ['--max-semi-space-size', '16'])).toBe(true);
    expect(
      flagGiven('--max-semi-space-size', ['--max-semi-space-sizes=1'], ['--max-old-space-size=64']),
    ).toBe(false);
  });

  it('hands execve the binary, the arguments and the environment, and runs on when execve throws', () => {
    const calls: unknown[][] = [];
    const env = { NODE_OPTIONS: '--import=probe.mjs', SAGESYNC_X: '1' };
    const execve = ((...a: unknown[]) => {
      calls.push(a);
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    }) as NodeProcess['execve'];
    expect(() => capYoungGeneration(fake({ env, execve }), () => true)).not.toThrow();
    expect(calls).toEqual([['/opt/node/bin/node', restartArgs(fake({ env })), env]]);
  });
});

describe('slowHeapGrowth', () => {
  it('sets the old generation growing factor unless Node was given one', () => {
    const set: string[] = [];
    slowHeapGrowth(['--enable-source-maps'], (f) => set.push(f));
    slowHeapGrowth(['--heap-growing-percent=50'], (f) => set.push(f));
    expect(set).toEqual(['--heap-growing-percent=100']);
  });

  it('is a flag this Node accepts at run time', () => {
    // An unknown flag makes v8.setFlagsFromString print "Error: unrecognized flag" and go on.
    const r = spawnSync(process.execPath, ['--heap-growing-percent=100', '-e', '0'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('bin/sagesync under this Node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-heap-'));
  const probe = join(dir, 'probe.mjs');
  const out = join(dir, 'out.jsonl');
  // Written once per process that reaches its end: the process execve replaced never does.
  writeFileSync(
    probe,
    `import { appendFileSync } from 'node:fs';
import v8 from 'node:v8';
const flags = [];
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (f) => { flags.push(f); set(f); };
process.on('exit', () => appendFileSync(${JSON.stringify(out)}, JSON.stringify({ pid: process.pid, execArgv: process.execArgv, flags }) + '\\n'));
`,
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(nodeOptions: string): Promise<{
    pid: number;
    code: number | null;
    stdout: string;
    seen: { pid: number; execArgv: string[]; flags: string[] }[];
  }> {
    rmSync(out, { force: true });
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, '--version'], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_OPTIONS: `--import=${pathToFileURL(probe).href} ${nodeOptions}`.trim(),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        if (code !== 0) return reject(new Error(`exit ${code}: ${stderr}`));
        const seen = readFileSync(out, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { pid: number; execArgv: string[]; flags: string[] });
        resolve({ pid: child.pid ?? -1, code, stdout, seen });
      });
    });
  }

  const canRestart = typeof (process as NodeProcess).execve === 'function';

  it(`${canRestart ? 'restarts once with the cap, in the same process' : 'runs as it is (this Node has no execve)'}`, async () => {
    const r = await run('');
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(r.seen).toHaveLength(1);
    expect(r.seen[0]!.pid).toBe(r.pid);
    expect(r.seen[0]!.execArgv.includes('--max-semi-space-size=8')).toBe(canRestart);
    expect(r.seen[0]!.flags).toEqual(['--heap-growing-percent=100']);
  });

  it('keeps a semi-space size the operator gives in NODE_OPTIONS, without restarting', async () => {
    const r = await run('--max-semi-space-size=16');
    expect(r.seen).toEqual([{ pid: r.pid, execArgv: [], flags: ['--heap-growing-percent=100'] }]);
  });
});
