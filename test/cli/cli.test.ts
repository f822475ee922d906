import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeForError, exitCodeForSummary } from '../../src/cli/exit.js';
import { Output } from '../../src/cli/output.js';
import { ConfigError, RecordsFailedError, ServiceUnavailableError } from '../../src/errors.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import type { JobReport } from '../../src/jobs/types.js';
import { tempDir } from '../config/helpers.js';
import { runCli } from './helpers.js';

const COMMANDS = [
  'push-orders',
  'push-customers',
  'pull-credit',
  'pull-tracking',
  'run-all',
  'test-connection',
  'migrate',
  'status',
  'init',
];

describe('sagesync CLI', () => {
  it('--help lists every contract command and the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(r.stdout).toContain('78  the configuration is invalid');
  });

  it.each(COMMANDS)('%s --help says what it does and its exit codes', async (c) => {
    const r = await runCli([c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: sagesync ${c}`);
    expect(r.stdout).toContain('Exit codes:');
  });

  it('unknown command, unknown option, no command → 64', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(EXIT.usage);
    expect((await runCli(['status', '--frob'])).code).toBe(EXIT.usage);
    expect((await runCli([])).code).toBe(EXIT.usage);
    expect((await runCli(['migrate', '--print', '--dialect', 'oracle'])).code).toBe(EXIT.usage);
  });

  it('--id takes positive integers only', async () => {
    for (const bad of ['0', '-1', 'x', '1.5', '1,,x', '']) {
      const r = await runCli(['push-orders', '--id', bad]);
      expect(r.code, bad).toBe(EXIT.usage);
    }
  });

  it('an invalid configuration exits 78 naming every problem', async () => {
    const cwd = tempDir({
      '.sagesyncrc.yaml': 'oro:\n  url: nope\n  clientId: x\n  clientSecret: y\nlogging:\n  level: loud\n',
    });
    const r = await runCli(['push-orders'], { cwd });
    expect(r.code).toBe(EXIT.config);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('oro.url');
    expect(r.stderr).toContain('logging.level');
  });

  it('--json prints exactly one parseable object on stdout, also for errors', async () => {
    const cwd = tempDir();
    const r = await runCli(['status', '--json'], { cwd });
    expect(r.code).toBe(EXIT.config);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] as string) as { ok: boolean; exitCode: number; error: { kind: string } };
    expect(out).toMatchObject({ ok: false, exitCode: 78, error: { kind: 'config' } });

    const usage = await runCli(['--json', 'status', '--frob']);
    expect(JSON.parse(usage.stdout)).toMatchObject({ ok: false, exitCode: 64, error: { kind: 'usage' } });
  });
});

describe('exit codes', () => {
  const report = (r: Partial<JobReport>): JobReport => ({
    job: 'push-orders',
    outcome: 'ok',
    counts: { read: 0, written: 0, skipped: 0, failed: 0 },
    durationMs: 0,
    failures: [],
    ...r,
  });
  const summary = (...jobs: JobReport[]): RunSummary => ({
    command: 'run-all',
    startedAt: '',
    durationMs: 0,
    jobs,
  });

  it('from a run summary: config 78 > unavailable 69 > records 1 > ok/skipped 0', () => {
    expect(exitCodeForSummary(summary(report({}), report({ outcome: 'skipped-locked' })))).toBe(0);
    expect(exitCodeForSummary(summary(report({ outcome: 'records-failed' })))).toBe(1);
    const unavailable = report({ outcome: 'failed', error: { kind: 'unavailable', message: '' } });
    const config = report({ outcome: 'failed', error: { kind: 'config', message: '' } });
    expect(exitCodeForSummary(summary(report({ outcome: 'records-failed' }), unavailable))).toBe(69);
    expect(exitCodeForSummary(summary(unavailable, config))).toBe(78);
  });

  it('from errors: typed errors map to the contract, anything else is a bug (70)', () => {
    expect(exitCodeForError(new ConfigError([]))).toBe(78);
    expect(exitCodeForError(new ServiceUnavailableError('oro', 'down'))).toBe(69);
    expect(exitCodeForError(new RecordsFailedError('x'))).toBe(1);
    expect(exitCodeForError(new TypeError('oops'))).toBe(70);
  });

  it('an unexpected error says it is a bug, with the stack under --verbose', () => {
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
      cwd: '/',
    };
    const code = new Output(io, { json: false, verbose: true, quiet: false }).error(
      'status',
      new TypeError('oops'),
    );
    expect(code).toBe(70);
    expect(stderr).toContain('This is a bug in sagesync');
    expect(stderr).toContain('at ');
  });
});
