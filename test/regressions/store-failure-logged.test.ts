/**
 * A run whose staging database cannot be used at all (unreachable, or its tables not migrated)
 * ended under cron with one log line, "sagesync push-orders finished: exit 69", and no reason:
 * with JSON lines on stderr the CLI leaves the plain problem lines out because "the log already
 * has each failed job", but the runner did not log the jobs it failed for want of a store.
 * The reason must reach the log, once per job, as for a job that failed while running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers.js';

describe('a run that cannot open its staging database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-store-failure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs why each job failed, also with JSON lines on stderr', async () => {
    const config = JSON.stringify({
      oro: { url: 'http://127.0.0.1:9', clientId: 'a', clientSecret: 'secret-value-1' },
      staging: { dialect: 'embedded', path: join(dir, 'staging') },
      logging: { format: 'json' },
    });
    const r = await runCli(['-c', '-', 'run-all'], { stdin: config, cwd: dir });
    expect(r.code).toBe(69);
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; message: string });
    const failed = lines.filter((l) => l.level === 'error' && /: failed \(/.test(l.message));
    expect(failed.map((l) => l.message.split(':')[0])).toEqual([
      'push-orders',
      'push-customers',
      'pull-credit',
      'pull-tracking',
    ]);
    // The reason and its fix: the tables are not there, run `sagesync migrate`.
    for (const l of failed) expect(l.message).toMatch(/sagesync migrate/);
  });
});
