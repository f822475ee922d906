/**
 * Reads a `*.tls.caFile` (staging.tls.caFile, oro.tls.caFile) when the connection is opened: a
 * file that cannot be read is a configuration problem naming the key (exit 78). As for the `*File`
 * secrets (secrets.ts), only a regular file of bounded size is read: a FIFO would hang the run
 * and /dev/zero fill the memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** A whole public CA bundle (Mozilla's, as Debian ships it) is about 220 KiB. */
export const MAX_CA_BYTES = 4 * 1024 * 1024;

export function readCaFile(key: string, file: string): string {
  try {
    return readBounded(file);
  } catch (cause) {
    const why = cause instanceof NotACaFile ? `: ${cause.message}` : '';
    throw new ConfigError(
      [{ path: key, source: 'configuration', message: `cannot read the CA file ${file}${why}` }],
      { cause },
    );
  }
}

class NotACaFile extends Error {}

function readBounded(file: string): string {
  // O_NONBLOCK: opening a FIFO for reading waits for a writer otherwise.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new NotACaFile('it is not a regular file');
    const buffer = Buffer.alloc(MAX_CA_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    if (length > MAX_CA_BYTES) {
      throw new NotACaFile(`it holds more than ${MAX_CA_BYTES / 1024 / 1024} MiB, which no CA bundle does`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
