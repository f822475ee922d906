/**
 * Issue 20, defect 1: under a pseudo-terminal that reports 0 columns (`script` without a real
 * terminal, `ssh -tt` from a script, some CI runners) `run-all` never ended: ora drew its spinner
 * with `columns ?? 80`, kept the 0 and wrote cursor-up sequences without end. The CLI runs here
 * under util-linux `script` (a real pty) with `stty cols 0`, and must finish with a short output;
 * the same run at 80 columns shows that the pty is a terminal (the spinner's frames are drawn).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startSandboxCli, type SandboxCli } from '../cli/sandbox-cli.js';

let hasScript = true;
try {
  execFileSync('script', ['--version'], { stdio: 'ignore' });
} catch {
  hasScript = false;
  console.warn('zero-column-pty.test.ts: util-linux `script` is not installed (apt-get install bsdutils)');
}

describe.skipIf(!hasScript)('run-all under a pseudo-terminal', () => {
  let env: SandboxCli;
  beforeAll(async () => {
    env = await startSandboxCli('pty', { seed: { orders: 40, seed: 7 } });
  }, 180_000);
  afterAll(() => env?.close());

  const underPty = (cols: number, args: string) =>
    env.start(
      'script',
      [
        '-qec',
        `stty cols ${cols} rows 24; exec "${process.execPath}" "${CLI}" -c "${env.configFile}" ${args}`,
        '/dev/null',
      ],
      { timeoutMs: 60_000, env: { PATH: process.env.PATH ?? '', TERM: 'xterm' } },
    ).done;

  it('finishes at 0 columns, drawing no spinner', async () => {
    const r = await underPty(0, 'push-orders');
    expect(r.signal, 'killed after 60 s: the run hung').toBeNull();
    expect(r.code, r.stdout.slice(0, 2000)).toBe(0);
    expect(r.stdout.length).toBeLessThan(20_000);
    expect(r.stdout).not.toContain('\u001b[1A'); // no cursor-up: nothing animated
    expect(r.stdout).toMatch(/push-orders: ok .*written 40/);
  }, 90_000);

  it('at 80 columns the same pty is a terminal: the spinner animates, then the run ends', async () => {
    env.sandbox.addOrder({});
    const r = await underPty(80, 'push-orders');
    expect(r.code, r.stdout.slice(0, 2000)).toBe(0);
    expect(r.stdout).toContain('\u001b[?25l'); // ora hides the cursor while it spins
    expect(r.stdout).toMatch(/push-orders: ok .*written 1/);
  }, 90_000);
});
