/** Loading the configuration for a command, with the unknown-variable note once a logger exists. */
import { loadConfigDetailed, type CliOverride, type LoadedConfig } from '../../config/load.js';
import type { CommandEnv } from '../command.js';

export function loadFor(env: CommandEnv, overrides: CliOverride[] = []): Promise<LoadedConfig> {
  return loadConfigDetailed({ configPath: env.flags.config, env: env.io.env, cwd: env.io.cwd, overrides });
}
