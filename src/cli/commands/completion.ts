/**
 * `sagesync completion bash|zsh`: the completion script, generated from the commander program
 * itself (src/cli/program.ts), so that a command or option added there completes without more.
 */
import type { CommandEnv } from '../command.js';
import { EXIT } from '../exit.js';
import type { CommandResult } from '../output.js';

export async function run(
  _command: string,
  opts: Record<string, unknown>,
  env: CommandEnv,
): Promise<CommandResult> {
  const { buildProgram } = await import('../program.js');
  const { bashScript, zshScript, completionModel } = await import('../completion.js');
  const model = completionModel(buildProgram(env.io, async () => {}, '0.0.0'));
  const script = opts.shell === 'zsh' ? zshScript(model) : bashScript(model);
  return {
    exitCode: EXIT.ok,
    report: { shell: opts.shell, script },
    lines: [script.replace(/\n$/, '')],
    problems: [],
  };
}
