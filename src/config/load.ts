/**
 * Loads the configuration: file (cosmiconfig) → environment → command line, `*File` secrets,
 * validation of everything at once, relative paths made absolute, frozen
 * (docs/contract/cli-and-config.md "Configuration"; docs/configuration.md).
 */
import { packageFile } from '../package-root.js';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { conflictProblems } from './conflicts.js';
import { readEnvLayer } from './env.js';
import { FILE_PROBLEM_PATH, readConfigFile } from './file.js';
import { deepFreeze } from './freeze.js';
import { PATH_KEYS, SECRET_FILE_KEYS } from './keys.js';
import { getPath, mergeLayers, setPath, type Layer, type Origin } from './layers.js';
import { configSchema, type Config } from './schema.js';
import { readSecretFiles } from './secrets.js';
import { identifierLimitProblems } from '../streams/config-schema.js';
import { formatPath, sourceFor, validate } from './validate.js';

/** A value given by a command-line option; the highest layer. */
export interface CliOverride {
  path: string;
  value: unknown;
  /** The option as typed, e.g. `--dialect`. */
  option: string;
}

export interface LoadConfigOptions {
  /** `--config <file>`; else `$SAGESYNC_CONFIG`; else cosmiconfig's search of `cwd`. */
  configPath?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  overrides?: readonly CliOverride[];
  /** All of standard input, for `--config -` (src/cli/io.ts). */
  stdin?: () => Promise<string>;
  /**
   * Read no configuration file, only the environment and `overrides` (`sagesync init` validates
   * its answers before anything is written). Keys nobody gave are then reported as `not given`.
   */
  noFile?: boolean;
}

export interface LoadedConfig<T = Config> {
  config: T;
  /** The configuration file read, or null (environment only). */
  filepath: string | null;
  /** Dotted key path → where its value came from (`/etc/sagesync.yaml`, `environment $SAGESYNC_…`). */
  sources: ReadonlyMap<string, string>;
  /** `SAGESYNC_*` variables that name no key (ignored; worth a debug line). */
  unknownEnv: readonly string[];
}

// `migrate --print` also needs the custom streams' tables (issue 8), so `streams` comes along.
const stagingOnlySchema = z.object({
  staging: configSchema.shape.staging,
  streams: configSchema.shape.streams,
});
export type StagingConfig = Config['staging'];

function cliLayer(overrides: readonly CliOverride[], cwd: string): Layer {
  const values: Record<string, unknown> = {};
  const options = new Map<string, string>();
  for (const o of overrides) {
    if (o.value === undefined) continue;
    setPath(values, o.path.split('.'), o.value);
    options.set(o.path, `command line ${o.option}`);
  }
  return { name: 'command line', values, sourceOf: (p) => options.get(p), baseDir: cwd };
}

async function load(opts: LoadConfigOptions, stagingOnly: boolean): Promise<LoadedConfig<unknown>> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const file: Awaited<ReturnType<typeof readConfigFile>> = opts.noFile
    ? { layer: null, filepath: null, problems: [] }
    : await readConfigFile({ configPath: opts.configPath, env, cwd, stdin: opts.stdin });
  const fromEnv = readEnvLayer(env, cwd);
  const layers = [cliLayer(opts.overrides ?? [], cwd), fromEnv.layer, ...(file.layer ? [file.layer] : [])];
  const merged = mergeLayers(layers);
  let problems: ConfigProblem[] = [...file.problems, ...fromEnv.problems, ...merged.problems];
  problems.push(...(await readSecretFiles(merged)));
  problems.push(...conflictProblems(merged));
  const dialect = getPath(merged.input, 'staging.dialect') ?? 'mssql';
  for (const p of identifierLimitProblems(getPath(merged.input, 'streams'), dialect)) {
    const at = formatPath(['streams', ...p.path]);
    problems.push({ path: at, source: sourceFor(merged.origins, at, 'configuration'), message: p.message });
  }

  const fallback = opts.noFile
    ? 'not given'
    : (file.filepath ?? file.origin ?? `no configuration file (searched ${cwd})`);
  let input: Record<string, unknown> = merged.input;
  if (stagingOnly)
    input = { staging: getPath(merged.input, 'staging'), streams: getPath(merged.input, 'streams') };
  const result = validate(input, merged.origins, fallback, stagingOnly ? stagingOnlySchema : configSchema);
  if (!result.ok) {
    const known = new Set(problems.map((p) => p.path));
    // A `*File` that could not be read already explains why its secret is missing.
    for (const [valueKey, fileKey] of SECRET_FILE_KEYS) if (known.has(fileKey)) known.add(valueKey);
    // A file that could not be read leaves every key it held "required": noise beside the cause.
    const unread = file.layer === null && file.problems.length > 0;
    problems.push(
      ...result.problems.filter((p) => !known.has(p.path) && !(unread && p.message.startsWith('required'))),
    );
  }
  if (stagingOnly) {
    // Only what the staging section needs is checked; the rest may be absent or wrong here.
    problems = problems.filter(
      (p) => p.path === FILE_PROBLEM_PATH || p.path.startsWith('staging') || p.path.startsWith('streams'),
    );
  }
  if (problems.length > 0 || !result.ok) {
    const logFile = getPath(merged.input, 'logging.file');
    const usable =
      typeof logFile === 'string' && logFile !== '' && !problems.some((p) => p.path === 'logging.file');
    throw new ConfigError(problems, {
      hint: hintFor(problems, file.filepath ?? file.origin ?? null, file.hint),
      ...(usable
        ? { logFile: path.resolve(merged.origins.get('logging.file')?.baseDir ?? cwd, logFile) }
        : {}),
    });
  }
  const config = result.value as Record<string, unknown>;
  resolvePaths(config, merged.origins, file.filepath ? path.dirname(file.filepath) : cwd);
  const sources = new Map([...merged.origins].map(([k, o]) => [k, o.source]));
  return { config: deepFreeze(config), filepath: file.filepath, sources, unknownEnv: fromEnv.unknown };
}

/** A relative path resolves against the directory of the file it was written in (else `cwd`). */
function resolvePaths(
  config: Record<string, unknown>,
  origins: Map<string, Origin>,
  defaultBase: string,
): void {
  for (const key of PATH_KEYS) {
    const value = getPath(config, key);
    if (typeof value !== 'string') continue;
    const base = origins.get(key)?.baseDir ?? defaultBase;
    setPath(config, key.split('.'), path.resolve(base, value));
  }
}

function hintFor(problems: ConfigProblem[], filepath: string | null, fileHint: string | undefined): string {
  if (fileHint) return fileHint;
  if (filepath === null && problems.some((p) => p.message.startsWith('required'))) {
    return `No configuration file was found: create .sagesyncrc.yaml (see ${packageFile('examples/sagesync.yaml')}), pass --config <file> or set SAGESYNC_CONFIG; see man 5 sagesync-config.`;
  }
  return 'Fix the keys named above; man 5 sagesync-config lists every key with its default and environment variable.';
}

export async function loadConfigDetailed(opts: LoadConfigOptions = {}): Promise<LoadedConfig> {
  return (await load(opts, false)) as LoadedConfig;
}

/** The validated, frozen configuration. Throws ConfigError (exit 78) with every problem found. */
export async function loadConfig(opts: LoadConfigOptions = {}): Promise<Config> {
  return (await loadConfigDetailed(opts)).config;
}

/**
 * Only the `staging` section, for commands that need no Oro (`migrate --print`): the rest of
 * the file is not validated, and no file at all is fine (the staging defaults apply).
 */
export async function loadStagingConfig(opts: LoadConfigOptions = {}): Promise<LoadedConfig<StagingConfig>> {
  const loaded = await load(opts, true);
  return { ...loaded, config: (loaded.config as { staging: StagingConfig }).staging };
}

/** `staging` and `streams` only, for `migrate --print` (the custom streams' tables are in the DDL). */
export async function loadStagingAndStreams(
  opts: LoadConfigOptions = {},
): Promise<LoadedConfig<Pick<Config, 'staging' | 'streams'>>> {
  const loaded = await load(opts, true);
  return loaded as LoadedConfig<Pick<Config, 'staging' | 'streams'>>;
}
