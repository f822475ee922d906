/**
 * The answers of `sagesync init` as a configuration input (the shape a YAML file has), and their
 * validation by the same loader as any configuration (src/config/load.ts), before anything is
 * written.
 */
import { convertEnvValue, readEnvLayer } from '../../config/env.js';
import { configKeys, SECRET_FILE_KEYS } from '../../config/keys.js';
import { getPath, isPlainObject, setPath } from '../../config/layers.js';
import { loadConfigDetailed, type CliOverride } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { ConfigError, UsageError } from '../../errors.js';

/** What the user gave, as a configuration file would hold it (no defaults applied). */
export type Answers = Record<string, unknown>;

/**
 * `--set key=value` (repeatable): one answer for any key, converted like its SAGESYNC_* variable
 * (a list is comma-separated, a boolean true/false, a number a number).
 */
export function parseSet(items: readonly string[]): CliOverride[] {
  const keys = new Map(configKeys().map((k) => [k.path, k]));
  return items.map((item) => {
    const eq = item.indexOf('=');
    const path = eq > 0 ? item.slice(0, eq).trim() : '';
    const key = keys.get(path);
    if (!key) {
      throw new UsageError(`--set "${item}" names no configuration key.`, {
        hint: 'Write --set key=value with a key listed by man 5 sagesync-config, e.g. --set oro.url=https://shop.example.com.',
      });
    }
    const converted = convertEnvValue(key, item.slice(eq + 1));
    if (!converted.ok) {
      throw new UsageError(`--set ${path}: expected ${converted.expected}, got "${item.slice(eq + 1)}".`);
    }
    return { path, value: converted.value, option: `--set ${path}` };
  });
}

/** The answers given by SAGESYNC_* variables and --set options, highest last. */
export function answersFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  sets: readonly CliOverride[],
): Answers {
  // The loader reports a badly typed variable; here it is only collected.
  const answers = structuredClone(readEnvLayer(env, cwd).layer.values);
  for (const s of sets) setAnswer(answers, s.path, s.value);
  return answers;
}

/** Sets one answer; a secret replaces its `*File` twin and the other way round. */
export function setAnswer(answers: Answers, path: string, value: unknown): void {
  for (const [valueKey, fileKey] of SECRET_FILE_KEYS) {
    const twin = path === valueKey ? fileKey : path === fileKey ? valueKey : undefined;
    if (twin) removeAnswer(answers, twin);
  }
  if (value === undefined) removeAnswer(answers, path);
  else setPath(answers, path.split('.'), value);
}

export function removeAnswer(answers: Answers, path: string): void {
  const segments = path.split('.');
  const parent = getPath(answers, segments.slice(0, -1).join('.'));
  if (isPlainObject(parent)) delete parent[segments[segments.length - 1] as string];
}

export function answer(answers: Answers, path: string): unknown {
  return getPath(answers, path);
}

/**
 * Validates what `--non-interactive` was given (the environment and --set options) with the
 * configuration loader, so that a bad value is named with the variable or option it came from.
 */
export async function validateGiven(
  env: Readonly<Record<string, string | undefined>>,
  sets: readonly CliOverride[],
  cwd: string,
): Promise<Config> {
  return withInitHint(
    async () => (await loadConfigDetailed({ env, cwd, overrides: sets, noFile: true })).config,
  );
}

/**
 * Validates the answers with the configuration loader: the environment is not read again (the
 * answers hold what was taken from it), no file is searched. Throws ConfigError (exit 78) with
 * every problem, each named by its key.
 */
export async function validateAnswers(answers: Answers, cwd: string): Promise<Config> {
  const overrides = Object.entries(answers).map(([path, value]) => ({ path, value, option: 'answer' }));
  return withInitHint(
    async () => (await loadConfigDetailed({ env: {}, cwd, overrides, noFile: true })).config,
  );
}

async function withInitHint(load: () => Promise<Config>): Promise<Config> {
  try {
    return await load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError([...err.problems], {
      hint: 'Give each answer named above as --set key=value or as its SAGESYNC_* variable (man 5 sagesync-config lists them), then run sagesync init again.',
    });
  }
}
