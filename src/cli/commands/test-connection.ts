/** `sagesync test-connection`: one line per check (src/ops/test-connection.ts). */
import type { CommandEnv } from '../command.js';
import { EXIT, exitCodeForKind } from '../exit.js';
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
    const { testConnection } = await import('../../ops/test-connection.js');
    const report = await testConnection(rt.ctx);
    const lines: string[] = [];
    const problems: string[] = [];
    for (const c of report.checks) {
      if (c.ok) lines.push(`ok    ${c.name}: ${c.detail}`);
      else problems.push(`FAIL  ${c.name}: ${c.detail}${c.fix ? `\n      ${c.fix}` : ''}`);
    }
    // The worst failure decides: configuration (78) before unavailable (69).
    const kinds = report.checks.filter((c) => !c.ok).map((c) => c.kind ?? 'unavailable');
    const exitCode = report.ok
      ? EXIT.ok
      : kinds.includes('config')
        ? exitCodeForKind('config')
        : exitCodeForKind('unavailable');
    return { exitCode, report, lines, problems };
  });
}
