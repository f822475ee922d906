/**
 * `*File` secrets (Kubernetes secret mounts, Docker secrets): the value is the file's content with
 * the trailing newline trimmed, since `echo secret > file` and `kubectl create secret
 * --from-file` both leave one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigProblem } from '../errors.js';
import { SECRET_FILE_KEYS } from './keys.js';
import { deletePath, getPath, setPath, type Merged } from './layers.js';

export function trimTrailingNewlines(text: string): string {
  return text.replace(/(\r?\n)+$/, '');
}

function reason(err: unknown): string {
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
      const content = trimTrailingNewlines(await readFile(absolute, 'utf8'));
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
