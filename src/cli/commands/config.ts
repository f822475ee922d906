/**
 * `sagesync config show` and `sagesync config validate`: the configuration as every command
 * loads it (src/config/load.ts), without connecting anywhere. show prints each key's effective
 * value and where it came from, secrets masked; validate exits 0, or 78 naming every problem.
 */
import { configKeys, SECRET_FILE_KEYS } from '../../config/keys.js';
import { getPath } from '../../config/layers.js';
import type { LoadedConfig } from '../../config/load.js';
import { ConfigError } from '../../errors.js';
import { createRedactor, MASK } from '../../log/redact.js';
import type { CommandEnv } from '../command.js';
import { EXIT } from '../exit.js';
import type { CommandResult } from '../output.js';
import { loadFor } from './load.js';

/** Keys whose value is a secret, whatever it looks like (their `*File` twins name a path). */
const SECRET_KEYS = new Set(SECRET_FILE_KEYS.map(([value]) => value));

export async function run(
  command: string,
  _opts: Record<string, unknown>,
  env: CommandEnv,
): Promise<CommandResult> {
  let loaded: LoadedConfig;
  try {
    loaded = await loadFor(env);
  } catch (err) {
    // Checking a configuration writes nothing, not even the error into the log file it names.
    if (err instanceof ConfigError && err.logFile !== undefined)
      throw new ConfigError([...err.problems], err.hint ? { hint: err.hint } : {});
    throw err;
  }
  const redactor = createRedactor(loaded.config);
  env.out.setRedactor((t) => redactor.redact(t));
  const ignored = loaded.unknownEnv.map(
    (name) => `Ignored: the environment variable ${name} names no configuration key.`,
  );
  const where = loaded.filepath ?? (env.flags.config === '-' ? 'standard input' : 'no configuration file');
  if (command === 'config validate') {
    return {
      exitCode: EXIT.ok,
      report: { valid: true, file: loaded.filepath, problems: [], ignoredEnvironment: loaded.unknownEnv },
      lines: [`The configuration is valid (${where}).`],
      problems: ignored,
    };
  }
  const settings = effective(loaded);
  const lines = [
    `# ${where}`,
    ...settings.map(({ key, value, source }) => `${key} = ${shown(value)}  # ${source}`),
  ];
  return {
    exitCode: EXIT.ok,
    report: { file: loaded.filepath, settings, ignoredEnvironment: loaded.unknownEnv },
    lines,
    problems: ignored,
  };
}

/** One key of the effective configuration. */
export interface Setting {
  key: string;
  /** The value; a secret's is masked. */
  value: unknown;
  /** `file <path>`, `environment $SAGESYNC_…`, `command line --…`, `standard input` or `default`. */
  source: string;
}

/**
 * Every key that has a value, in schema order. A list rather than a key → source object: in JSON
 * text `"oro.clientSecret": "…"` is masked whatever it holds (src/log/redact.ts), and where a
 * secret came from is worth seeing.
 */
export function effective(loaded: LoadedConfig): Setting[] {
  const settings: Setting[] = [];
  for (const { path } of configKeys()) {
    const value = getPath(loaded.config, path);
    if (value === undefined) continue;
    const source = loaded.sources.get(path);
    settings.push({
      key: path,
      value: SECRET_KEYS.has(path) ? MASK : typeof value === 'function' ? '[function]' : value,
      source:
        source === undefined
          ? 'default'
          : /^(environment|command line|standard input)/.test(source)
            ? source
            : `file ${source}`,
    });
  }
  return settings;
}

function shown(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
