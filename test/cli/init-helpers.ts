/** What both init tests check at the end: the sandbox's open orders, and what run-all staged. */
import type { Sandbox } from '../../tools/sandbox/types.js';
import { runCli } from './helpers.js';

/** Ids of the sandbox's orders whose internal status is `open`. */
export function openOrders(sandbox: Sandbox): string[] {
  return sandbox
    .all('orders')
    .filter((o) => {
      const status = o.relationships['internalStatus'];
      return status && !Array.isArray(status) && status.id === 'open';
    })
    .map((o) => o.id);
}

/** Runs run-all on the written file; returns its exit code and what push-orders wrote. */
export async function runAllOn(
  file: string,
  cwd: string,
): Promise<{ code: number; written: number; stderr: string }> {
  const run = await runCli(['run-all', '--json', '-c', file], { cwd });
  const jobs = run.stdout
    ? (JSON.parse(run.stdout) as { result: { jobs: { job: string; counts: { written: number } }[] } }).result
        .jobs
    : [];
  return {
    code: run.code,
    written: jobs.find((j) => j.job === 'push-orders')?.counts.written ?? -1,
    stderr: run.stderr,
  };
}
