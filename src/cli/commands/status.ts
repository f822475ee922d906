/** `sagesync status` (src/ops/status.ts). */
import type { CommandEnv } from '../command.js';
import { EXIT } from '../exit.js';
import type { CommandResult } from '../output.js';
import { withRuntime } from '../runtime.js';
import { loadFor } from './load.js';

export async function run(
  _command: string,
  _opts: Record<string, unknown>,
  env: CommandEnv,
): Promise<CommandResult> {
  const loaded = await loadFor(env);
  return withRuntime(loaded.config, env.flags, env.io, env.out, async (rt) => {
    const ops = await import('../../ops/status.js');
    const report = await ops.status(rt.ctx);
    return { exitCode: EXIT.ok, report, lines: formatStatus(report), problems: [] };
  });
}

/** Until the status module brings its own text form, a readable rendering of its report. */
function formatStatus(report: unknown): string[] {
  return JSON.stringify(report, null, 2).split('\n');
}
