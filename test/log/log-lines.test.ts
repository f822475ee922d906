/**
 * Issue 20, defect 7: what a log collector and journald get from the built CLI. Every JSON line
 * names `command`, `pid`, `host`; job lines `job` and `runId`; the last line the exit code. One
 * format per stream (a failed run printed a JSON error and the same error as text); a
 * configuration error reaches `logging.file`; `logging.journald` prefixes the syslog priority;
 * NO_COLOR, FORCE_COLOR and --no-color decide colours.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCli, type SandboxCli } from '../cli/sandbox-cli.js';

let env: SandboxCli;
beforeAll(async () => {
  env = await startSandboxCli('loglines', { seed: { orders: 5, seed: 11 } });
}, 180_000);
afterAll(() => env?.close());

type Line = Record<string, unknown>;
const jsonLines = (stderr: string): Line[] =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

describe('log lines', () => {
  it('every JSON line names command, pid and host; job lines job and runId; the last line the exit code', async () => {
    const r = await env.run(['push-orders', '-c', env.configFile]);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stderr);
    for (const l of lines)
      expect(l).toMatchObject({ command: 'push-orders', pid: expect.any(Number), host: expect.any(String) });
    const job = lines.find((l) => String(l['message']).startsWith('push-orders: ok'));
    expect(job).toMatchObject({ job: 'push-orders', runId: expect.any(String), level: 'info' });
    expect(lines.at(-1)).toMatchObject({
      message: 'sagesync push-orders finished: exit 0',
      exitCode: 0,
      written: 5,
    });
  }, 60_000);

  it('a failed run: JSON lines only on stderr, each failure once, exit code on the last line', async () => {
    const bad = await env.variant('bad-secret', { oro: { clientSecret: 'wrong' } });
    const r = await env.run(['run-all', '-c', bad]);
    expect(r.code).toBe(69);
    expect(r.stdout).toBe('');
    const lines = jsonLines(r.stderr); // throws on a plain-text line
    const refused = lines.filter(
      (l) => String(l['message']).includes('push-orders') && String(l['message']).includes('refused'),
    );
    expect(refused).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({ level: 'error', exitCode: 69, command: 'run-all' });
  }, 60_000);

  it('a configuration error is one JSON line on stderr and is appended to logging.file', async () => {
    const logFile = join(env.dir, 'sagesync.log');
    const bad = await env.variant('bad-config', { oro: { url: 'not a url' }, logging: { file: logFile } });
    const r = await env.run(['run-all', '-c', bad]);
    expect(r.code).toBe(78);
    const [line, ...more] = jsonLines(r.stderr);
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 'error', exitCode: 78, command: 'run-all' });
    const logged = jsonLines(readFileSync(logFile, 'utf8'));
    expect(logged.at(-1)).toMatchObject({ exitCode: 78, error: { kind: 'config' } });
    expect(String(logged.at(-1)?.['message'])).toContain('oro.url');
  }, 60_000);

  it('logging.journald prefixes each line with its syslog priority', async () => {
    const file = await env.variant('journald', { logging: { journald: true, level: 'debug' } });
    env.sandbox.addOrder({});
    const r = await env.run(['push-orders', '-c', file]);
    expect(r.code, r.stderr).toBe(0);
    const priorities: Record<string, string> = { error: '3', warn: '4', info: '6', debug: '7' };
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) {
      const m = /^<(\d)>(\{.*\})$/.exec(l);
      expect(m, l).not.toBeNull();
      expect(m![1]).toBe(priorities[String((JSON.parse(m![2]!) as Line)['level'])]);
    }
  }, 60_000);

  it('colours: none off a terminal, FORCE_COLOR turns them on, NO_COLOR and --no-color off', async () => {
    const file = await env.variant('pretty', { logging: { format: 'pretty', level: 'debug' } });
    const esc = '\u001b[';
    const plain = await env.run(['push-orders', '-c', file, '--verbose']);
    expect(plain.stderr).toMatch(/debug/);
    expect(plain.stderr).not.toContain(esc);
    const forced = await env.run(['push-orders', '-c', file, '--verbose'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stderr).toContain(esc);
    const no = await env.run(['push-orders', '-c', file, '--verbose'], {
      env: { FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    expect(no.stderr).not.toContain(esc);
    const flag = await env.run(['push-orders', '-c', file, '--verbose', '--no-color'], {
      env: { FORCE_COLOR: '1' },
    });
    expect(flag.stderr).toMatch(/debug/);
    expect(flag.stderr).not.toContain(esc);
  }, 60_000);
});
