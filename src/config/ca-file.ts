/**
 * Reads a `*.tls.caFile` (staging.tls.caFile, oro.tls.caFile) when the connection is opened: a
 * file that cannot be read is a configuration problem naming the key (exit 78).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export function readCaFile(key: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      [{ path: key, source: 'configuration', message: `cannot read the CA file ${file}` }],
      {
        cause,
      },
    );
  }
}
