// @module-tag hostile
/**
 * Regression (review of oro.tls.caFile): the CA file was read whole with no check, so a FIFO hung
 * the run and a device or a huge file filled the memory; the `*File` secrets were already bounded.
 * Now anything but a regular file of at most 4 MiB is a configuration problem naming the key.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CA_BYTES, readCaFile } from '../../src/config/ca-file.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sagesync-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(file: string): string {
  try {
    readCaFile('oro.tls.caFile', file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`).join('\n');
  }
  throw new Error(`${file} was read`);
}

describe('a *.tls.caFile is a bounded regular file', () => {
  it('reads a PEM file as it is', () => {
    const pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(readCaFile('oro.tls.caFile', pem)).toContain('BEGIN CERTIFICATE');
  });

  it('refuses a named pipe at once instead of waiting for a writer', () => {
    const fifo = join(dir, 'ca.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(problem(fifo)).toBe(`oro.tls.caFile: cannot read the CA file ${fifo}: it is not a regular file`);
  });

  it('refuses a device and a file beyond 4 MiB, naming the key', () => {
    expect(problem('/dev/zero')).toMatch(/^oro\.tls\.caFile: .*not a regular file/);
    const big = join(dir, 'big.pem');
    writeFileSync(big, '');
    truncateSync(big, MAX_CA_BYTES + 10);
    expect(problem(big)).toMatch(/more than 4 MiB, which no CA bundle does$/);
  });

  it('names a missing file', () => {
    expect(problem(join(dir, 'nope.pem'))).toBe(
      `oro.tls.caFile: cannot read the CA file ${join(dir, 'nope.pem')}`,
    );
  });
});
