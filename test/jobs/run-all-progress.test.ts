/**
 * The run's progress and summary for a person (src/cli/progress.ts): a spinner with live counts
 * only on a terminal, nothing animated under cron or with --json, and the summary rules.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatSummary, shouldPrintSummary, spinnerEnabled } from '../../src/cli/progress.js';
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

  it('prints the summary under cron only when something failed', () => {
    expect(shouldPrintSummary(summary, { tty: false, quiet: false })).toBe(true);
    const calm = { ...summary, jobs: summary.jobs.filter((j) => j.outcome !== 'records-failed') };
    expect(shouldPrintSummary(calm, { tty: false, quiet: false })).toBe(false);
    expect(shouldPrintSummary(calm, { tty: true, quiet: false })).toBe(true);
    expect(shouldPrintSummary(calm, { tty: true, quiet: true })).toBe(false);
  });

  it('summarises counts per job and names failed records', () => {
    const text = formatSummary(summary);
    expect(text).toContain('push-orders');
    expect(text).toMatch(/pull-credit\s+records failed\s+read 2, applied 1, skipped 0, ERROR 1/);
    expect(text).toContain('credit_limit 17: Unknown X3 customer code "C9"');
    expect(text).toMatch(/pull-tracking\s+skipped/);
  });
});
