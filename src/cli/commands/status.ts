/** `sagesync status` (src/ops/status.ts): the human form on stdout, the report with --json. */
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
    const { status, formatStatus } = await import('../../ops/status.js');
    const report = await status(rt.ctx);
    return {
      exitCode: EXIT.ok,
      report,
      lines: formatStatus(report).replace(/\n+$/, '').split('\n'),
      problems: [],
    };
  });
}
