/**
 * A tiny file system for "the disk is full" tests (issue 18, points 16 and 21): a tmpfs of a few
 * hundred KiB mounted on a fresh directory, which `fill()` fills to the last byte. Needs root with
 * CAP_SYS_ADMIN (CI runs as root, as for the PID-namespace tests); elsewhere `mountSmallDisk`
 * says why not and the tests print that reason when they skip.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  readonly dir: string;
  /** Writes a filler file until the file system answers ENOSPC. */
  fill(): void;
  /** Removes the filler: the space is back. */
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(
  sizeKiB: number,
  opts: { readOnly?: boolean } = {},
): SmallDisk | { cannot: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-disk-'));
  const options = `size=${sizeKiB}k,mode=0755${opts.readOnly ? ',ro' : ''}`;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmdirSync(dir);
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || String(err);
    return { cannot: `cannot mount a small tmpfs here (${why}): needs root with CAP_SYS_ADMIN` };
  }
  const filler = join(dir, '.filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x2e);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
      // A partial last block may still fit single bytes.
      try {
        for (;;) writeSync(fd, chunk, 0, 1);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmdirSync(dir);
    },
  };
}
