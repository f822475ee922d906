/**
 * Loading the configuration for a command, and the one way a command that needs it gets its
 * runtime: load, open (src/cli/runtime.ts), run, close whatever happens.
 */
import {
  loadConfigDetailed,
  type CliOverride,
  type LoadConfigOptions,
  type LoadedConfig,
} from '../../config/load.js';
import type { CommandEnv, CommandModule } from '../command.js';
import type { CommandResult } from '../output.js';
import { withRuntime, type Runtime } from '../runtime.js';

export function loadFor(env: CommandEnv, overrides: CliOverride[] = []): Promise<LoadedConfig> {
  return loadConfigDetailed({ ...configSource(env), overrides });
}

/** Where a command's configuration comes from: --config (`-`: standard input), else the search. */
export function configSource(
  env: CommandEnv,
): Pick<LoadConfigOptions, 'configPath' | 'env' | 'cwd' | 'stdin'> {
  return {
    configPath: env.flags.config,
    env: env.io.env,
    cwd: env.io.cwd,
    ...(env.io.stdin ? { stdin: env.io.stdin } : {}),
  };
}

/** What a command run by `runtimeCommand` receives besides its runtime. */
export interface Invocation {
  command: string;
  opts: Record<string, unknown>;
  env: CommandEnv;
  loaded: LoadedConfig;
}

/**
 * A command's `run` that loads the configuration (with the options that override keys), opens
 * a runtime on it, hands both to `fn` and closes the runtime afterwards, also on errors.
 */
export function runtimeCommand(
  fn: (rt: Runtime, call: Invocation) => Promise<CommandResult>,
  overrides: (opts: Record<string, unknown>) => CliOverride[] = () => [],
): CommandModule['run'] {
  return async (command, opts, env) => {
    const loaded = await loadFor(env, overrides(opts));
    return withRuntime(loaded.config, env.flags, env.io, env.out, (rt) =>
      fn(rt, { command, opts, env, loaded }),
    );
  };
}
