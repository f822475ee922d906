/** What a command module (src/cli/commands/*.ts) exports and receives. */
import type { CliIo, GlobalFlags } from './io.js';
import type { CommandResult, Output } from './output.js';

export interface CommandEnv {
  io: CliIo;
  flags: GlobalFlags;
  out: Output;
  /** Aborted (reason: the signal's name) when the process is asked to stop (src/index.ts). */
  stop?: AbortSignal;
}

export interface CommandModule {
  run(command: string, opts: Record<string, unknown>, env: CommandEnv): Promise<CommandResult>;
}
