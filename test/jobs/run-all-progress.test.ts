/**
 * The run's progress and summary for a person: a spinner with live counts only on a terminal,
 * nothing animated under cron or with --json (src/cli/progress.ts), and the summary rules
 * (src/cli/commands/jobs.ts `summarise`).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { summarise } from '../../src/cli/commands/jobs.js';
import { createProgress, spinnerEnabled } from '../../src/cli/progress.js';
import type { RunSummary } from '../../src/jobs/runner.js';

function stream(tty: boolean): NodeJS.WriteStream & { text: () => string } {
  let out = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(w, {
    isTTY: tty,
    columns: 120,
    text: () => out,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return w;
}

const summary: RunSummary = {
  command: 'run-all',
  startedAt: '2026-11-28T10:00:00.000Z',
  durationMs: 2300,
  jobs: [
    {
      job: 'push-orders',
      outcome: 'ok',
      counts: { read: 3, written: 3, skipped: 0, failed: 0 },
      durationMs: 1200,
      failures: [],
    },
    {
      job: 'pull-credit',
      outcome: 'records-failed',
      counts: { read: 2, written: 1, skipped: 0, failed: 1 },
      durationMs: 300,
      failures: [{ entity: 'credit_limit', id: '17', reason: 'Unknown X3 customer code "C9"' }],
    },
    {
      job: 'pull-tracking',
      outcome: 'skipped-locked',
      counts: { read: 0, written: 0, skipped: 0, failed: 0 },
      durationMs: 0,
      failures: [],
      message: 'Another sagesync run holds the lock of pull-tracking',
    },
  ],
};

describe('progress and summary', () => {
  it('animates only on a terminal, never with --json or --quiet', async () => {
    const prev = process.env['CI'];
    delete process.env['CI'];
    try {
      expect(spinnerEnabled({ json: false, quiet: false, stream: stream(true) })).toBe(true);
      expect(spinnerEnabled({ json: true, quiet: false, stream: stream(true) })).toBe(false);
      expect(spinnerEnabled({ json: false, quiet: true, stream: stream(true) })).toBe(false);
      const cron = stream(false);
      expect(spinnerEnabled({ json: false, quiet: false, stream: cron })).toBe(false);
      const p = await createProgress({ json: false, quiet: false, stream: cron });
      p.update('pull-credit', { read: 5, written: 2, skipped: 0, failed: 0 });
      p.stop();
      expect(cron.text()).toBe('');

      const tty = stream(true);
      const live = await createProgress({ json: false, quiet: false, stream: tty });
      live.update('pull-credit', { read: 5, written: 2, skipped: 0, failed: 1 });
      live.update('pull-tracking', { read: 1, written: 0, skipped: 0, failed: 0 });
      live.stop();
      expect(tty.text()).toContain('pull-credit: read 5, applied 2, skipped 0, ERROR 1');
    } finally {
      if (prev !== undefined) process.env['CI'] = prev;
    }
  });

  it('prints the summary under cron only when something was written or failed', () => {
    const cron = { tty: false, verbose: false };
    const failed = summarise(summary, cron);
    expect(failed.problems).toContain('pull-credit: 1 record(s) failed:');
    const idle = {
      ...summary,
      jobs: summary.jobs
        .filter((j) => j.outcome !== 'records-failed')
        .map((j) => ({ ...j, counts: { ...j.counts, written: 0 } })),
    };
    expect(summarise(idle, cron)).toMatchObject({ lines: [], problems: [] });
    expect(summarise(idle, { tty: true, verbose: false }).lines).toHaveLength(2);
    expect(summarise(idle, { tty: false, verbose: true }).lines).toHaveLength(2);
  });

  it('summarises counts per job and names failed records', () => {
    const { lines, problems } = summarise(summary, { tty: true, verbose: false });
    const text = [...lines, ...problems].join('\n');
    expect(text).toContain('push-orders: ok — read 3, written 3, skipped 0, failed 0 (1.2 s)');
    expect(text).toMatch(/pull-credit: records-failed — read 2, written 1, skipped 0, failed 1/);
    expect(text).toContain('credit_limit 17: Unknown X3 customer code "C9"');
    expect(text).toMatch(/pull-tracking: skipped-locked .*Another sagesync run holds the lock/);
  });
});
