// @module-tag hostile
/**
 * Issue 18, point 21: `sagesync migrate` with the embedded database on a full disk exited 70,
 * "internal error: ENOSPC" (its lock file could not be written), and the embedded store's
 * writes failed the same way. On a real full disk (a small tmpfs, small-disk.ts): exit 69 with a
 * message about disk space naming the data directory, no empty lock file left behind; the
 * quarantine and staging writes of push-orders (fed by the Oro sandbox) fail the run as
 * unavailable with that message, write nothing half, and once there is room the next run stages
 * everything. Skipped, with the reason printed, where a tmpfs cannot be mounted.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../staging/helpers/backends.js';
import { runCli } from '../cli/helpers.js';
import { pushEnv, type PushEnv } from '../jobs/push-env.js';
import { mountSmallDisk } from './small-disk.js';

// A fresh embedded database takes about 40 MB (a 16 MB WAL segment among it).
const disk = mountSmallDisk(64 * 1024);
const why = 'dir' in disk ? null : disk.cannot;
if (why) console.warn(`full-disk.test.ts: skipped: ${why}`);

describe.skipIf(why !== null)('the embedded staging database on a full disk (issue 18, point 21)', () => {
  const root = 'dir' in disk ? disk.dir : '';
  afterAll(() => {
    if ('dir' in disk) disk.unmount();
  });

  it('migrate: exit 69 naming the disk and the data directory, no lock file left', async () => {
    if (!('dir' in disk)) return;
    const path = join(root, 'fresh');
    const config = JSON.stringify({
      oro: { url: 'https://oro.example.com', clientId: 'a', clientSecret: 'secret-value-1' },
      staging: { dialect: 'embedded', path },
    });
    disk.fill();
    try {
      const r = await runCli(['-c', '-', 'migrate'], { stdin: config, cwd: root });
      expect(r.code, r.stderr).toBe(69);
      expect(r.stderr).toContain(`The disk holding the embedded staging database ${path} is full`);
      expect(r.stderr).toMatch(/no space left on device/i);
      expect(r.stderr).toContain('staging.path');
      expect(r.stderr).not.toMatch(/internal error/i);
      expect(existsSync(`${path}.lock`)).toBe(false);
    } finally {
      disk.free();
    }
    const ok = await runCli(['-c', '-', 'migrate'], { stdin: config, cwd: root });
    expect(ok.code, ok.stderr).toBe(0);
    rmSync(path, { recursive: true, force: true }); // room for the next test's database
  }, 180_000);

  describe('push-orders writes', () => {
    let env: PushEnv | undefined;
    afterAll(async () => {
      if ('dir' in disk) disk.free();
      await env?.close();
    }, 60_000);

    it('quarantine and stage fail as unavailable, naming the disk; the next run with room stages all', async () => {
      if (!('dir' in disk)) return;
      const path = join(root, 'push');
      const embedded = BACKENDS.find((b) => b.name === 'embedded')!;
      env = await pushEnv(
        { ...embedded, config: (schema) => embedded.config(schema, path) },
        { sandbox: { seed: { orders: 6, customers: 2, seed: 21 } } },
      );
      const unavailable = async (): Promise<void> => {
        const r = await env!.orders();
        expect(r.outcome).toBe('failed');
        expect(r.error?.kind).toBe('unavailable');
        expect(r.error?.message).toContain(`The disk holding the embedded staging database ${path} is full`);
      };
      const nothingWritten = async (): Promise<void> => {
        expect(await env!.quarantine()).toEqual([]);
        expect(await env!.staged()).toEqual([]);
        expect(await env!.customerRows()).toEqual([]);
        expect(await env!.store.getCursor('push-orders')).toBeNull();
      };

      // The staging write (customers, orders, lines, cursor: one transaction) on a full disk.
      disk.fill();
      await unavailable();
      disk.free();
      await nothingWritten();

      // The quarantine write: the run's first write when an order cannot be staged (point 19).
      const bad = env.sandbox.all('orders')[2]!.id;
      const lines = env.sandbox.order(bad)!.relationships['lineItems'] as { id: string }[];
      env.sandbox.updateResource('orderlineitems', lines[0]!.id, { attributes: { quantity: -1 } });
      disk.fill();
      await unavailable();
      disk.free();
      await nothingWritten();

      // With room again, the same data directory works on: everything is staged or quarantined.
      const roomy = await env.orders();
      expect(roomy.outcome).toBe('records-failed');
      expect((await env.staged()).map((o) => String(o.oroOrderId)).sort()).toEqual(
        env.sandbox
          .all('orders')
          .map((o) => o.id)
          .filter((id) => id !== bad)
          .sort(),
      );
      expect((await env.quarantine()).map((q) => String(q.entity_id))).toEqual([bad]);
    }, 180_000);
  });
});
