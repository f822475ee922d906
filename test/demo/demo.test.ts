/**
 * `npm run demo` as a newcomer runs it: the built demo in a child process. It must exit 0, show
 * each flow, the rejected row and its e-mail, and leave nothing behind (its temp dir is gone).
 * No timing assertions (machines are noisy).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const demo = path.join(root, 'dist-tools', 'tools', 'demo', 'demo.js');

describe('npm run demo', () => {
  it('runs the whole loop and prints what flowed each way', { timeout: 240_000 }, () => {
    expect(existsSync(demo), 'run "npm run build:tools" first (npm test does)').toBe(true);
    const r = spawnSync(process.execPath, [demo], { encoding: 'utf8', timeout: 230_000, cwd: root });
    const out = r.stdout;
    expect(r.stderr, r.stderr).not.toMatch(/demo failed/);
    expect(r.status).toBe(0);
    for (const heading of [
      'Orders staged',
      'Customers staged',
      'Customer codes sagesync learnt',
      'Credit limits applied',
      'Trackings applied',
      'The e-mail it triggers',
      'Next: point sagesync at your real systems',
      'Run: sagesync init',
    ]) {
      expect(out).toContain(heading);
    }
    expect(out).toMatch(/SO-\d+\s+\d+\s+\d+\s+[\d.]+ \w{3}\s+ERROR\s+Sales order not created/);
    expect(out).toMatch(/C0000\d\s+\d+\s+0\.00\s+DONE\s+0\.0000\s+customer on hold/);
    expect(out).toMatch(/Subject: \[sagesync\] X3 rejected 1 row of sagesync_order/);
    expect(out.match(/DONE\s+yes, once/g)).toHaveLength(5);
    const tmp = /embedded staging database in (\S+)/.exec(out)?.[1];
    expect(tmp).toBeDefined();
    expect(existsSync(path.dirname(tmp as string))).toBe(false);
  });
});
