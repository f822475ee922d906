import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; stdin?: string; columns?: number } = {},
): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const { stdin, columns } = opts;
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), ...(columns !== undefined ? { columns } : {}) },
    stderr: { write: (s: string) => (stderr += s) },
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    ...(stdin !== undefined ? { stdin: () => Promise.resolve(stdin) } : {}),
  };
  const code = await main(['node', 'sagesync', ...args], io);
  return { code, stdout, stderr };
}

/** Runs the built CLI (`npm run build` first: `npm test` does). */
export function spawnCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; nodeArgs?: string[]; input?: string } = {},
): Ran {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), `${ROOT}bin/sagesync`, ...args], {
    cwd: opts.cwd ?? ROOT,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
