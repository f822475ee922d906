/**
 * `*File` secrets (Kubernetes secret mounts, Docker secrets): the value is the file's content with
 * the trailing newline trimmed, since `echo secret > file` and `kubectl create secret
 * --from-file` both leave one. Only a regular file of at most MAX_SECRET_BYTES is read (issue 18,
 * point 15): a FIFO used to hang the run forever and /dev/zero to fill the memory. A link is
 * followed, since Kubernetes mounts each key as a link into its `..data` directory.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigProblem } from '../errors.js';
import { SECRET_FILE_KEYS } from './keys.js';
import { deletePath, getPath, setPath, type Merged } from './layers.js';

function trimTrailingNewlines(text: string): string {
  return text.replace(/(\r?\n)+$/, '');
}

/** A password, a client secret or a passphrase is one line; 64 KiB is far beyond any. */
const MAX_SECRET_BYTES = 64 * 1024;

class NotASecretFile extends Error {}

/** The file's text; refuses anything but a regular file, and more than MAX_SECRET_BYTES. */
async function readSecretFile(file: string): Promise<string> {
  // O_NONBLOCK: opening a FIFO for reading waits for a writer otherwise.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isDirectory()
        ? 'a directory'
        : stat.isFIFO()
          ? 'a named pipe (FIFO)'
          : stat.isCharacterDevice() || stat.isBlockDevice()
            ? 'a device'
            : stat.isSocket()
              ? 'a socket'
              : 'not a regular file';
      throw new NotASecretFile(`it is ${kind}, not a regular file`);
    }
    const buffer = Buffer.alloc(MAX_SECRET_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_SECRET_BYTES) {
      throw new NotASecretFile(`it holds more than ${MAX_SECRET_BYTES / 1024} KiB, which no secret does`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

function reason(err: unknown): string {
  if (err instanceof NotASecretFile) return err.message;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}

/** Replaces each `xFile` in the merged input by `x` read from the file. */
export async function readSecretFiles(merged: Merged): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const [valueKey, fileKey] of SECRET_FILE_KEYS) {
    const file = getPath(merged.input, fileKey);
    if (file === undefined) continue;
    const origin = merged.origins.get(fileKey) ?? { source: 'configuration', baseDir: process.cwd() };
    deletePath(merged.input, fileKey);
    merged.origins.delete(fileKey);
    if (typeof file !== 'string' || file === '') {
      problems.push({ path: fileKey, source: origin.source, message: 'expected the path of a file' });
      continue;
    }
    const absolute = path.resolve(origin.baseDir, file);
    try {
      const content = trimTrailingNewlines(await readSecretFile(absolute));
      setPath(merged.input, valueKey.split('.'), content);
      merged.origins.set(valueKey, {
        source: `${origin.source} (${fileKey} ${absolute})`,
        baseDir: origin.baseDir,
      });
    } catch (err) {
      problems.push({
        path: fileKey,
        source: origin.source,
        message: `cannot read the secret file ${absolute}: ${reason(err)}`,
      });
    }
  }
  return problems;
}
