/**
 * The file layer: cosmiconfig 9 under the module name `sagesync` (every format of the contract),
 * or the file named by `--config` / `$SAGESYNC_CONFIG`.
 *
 * Search: only the working directory (cosmiconfig 9's default `searchStrategy: 'none'`), so what
 * a crontab or a container picks up does not depend on parent directories. `.ts` files are
 * compiled by cosmiconfig with the `typescript` package, which sagesync does not ship at run time
 * (docs/configuration.md "TypeScript configuration files").
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cosmiconfig, defaultLoaders, getDefaultSearchPlaces, type LoaderSync } from 'cosmiconfig';
import type { ConfigProblem } from '../errors.js';
import { describeLoadError } from './file-errors.js';
import { isPlainObject, type Layer } from './layers.js';
import { plainCopy } from './plain-copy.js';

const MODULE_NAME = 'sagesync';

export interface FileLayer {
  layer: Layer | null;
  /** Absolute path of the file read, or null when none was found. */
  filepath: string | null;
  problems: ConfigProblem[];
  hint?: string;
  /** Where the settings came from when there is no file path: `standard input` (`--config -`). */
  origin?: string;
}

/** Path of a whole-file problem (parse error, missing file). */
export const FILE_PROBLEM_PATH = '(file)';

/**
 * cosmiconfig's JSON loader (parse-json) returns `JSON.parse(content)` for valid JSON but first
 * loads @babel/code-frame and three more packages (~30 ms of every start) for the error message.
 * Valid JSON is parsed here the same way; only a broken file goes to cosmiconfig's loader, so its
 * message (with the code frame) is unchanged.
 */
const loadJson: LoaderSync = (filepath, content) => {
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return defaultLoaders['.json'](filepath, content);
  }
};

/**
 * The file a failed search was loading. cosmiconfig names it only in a parser's message; a
 * compiled `.ts` file that Node cannot import fails without its name. The first place of the
 * search order that exists is the one it was reading (package.json counts only with a key).
 */
function searchedFile(cwd: string): string | undefined {
  return getDefaultSearchPlaces(MODULE_NAME)
    .filter((place) => place !== 'package.json')
    .map((place) => path.join(cwd, place))
    .find((file) => existsSync(file));
}

/** `--config -`: the configuration comes from standard input. */
const STDIN_PATH = '-';
const STDIN_SOURCE = 'standard input';

export async function readConfigFile(opts: {
  configPath?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** All of standard input, for `--config -`. */
  stdin?: (() => Promise<string>) | undefined;
}): Promise<FileLayer> {
  const explorer = cosmiconfig(MODULE_NAME, { cache: false, loaders: { '.json': loadJson } });
  const fromEnv = opts.env.SAGESYNC_CONFIG;
  const explicit = opts.configPath ?? (fromEnv ? fromEnv : undefined);
  const explicitSource = opts.configPath !== undefined ? '--config' : 'environment $SAGESYNC_CONFIG';
  if (explicit === STDIN_PATH) return readStdin(opts.stdin, opts.cwd);

  let filepath: string | null = null;
  let config: unknown;
  try {
    if (explicit !== undefined) {
      filepath = path.resolve(opts.cwd, explicit);
      if (!existsSync(filepath)) {
        return {
          layer: null,
          filepath: null,
          problems: [
            { path: FILE_PROBLEM_PATH, source: explicitSource, message: `no such file: ${filepath}` },
          ],
        };
      }
      const result = await explorer.load(filepath);
      config = result?.config;
    } else {
      const result = await explorer.search(opts.cwd);
      if (!result) return { layer: null, filepath: null, problems: [] };
      filepath = result.filepath;
      config = result.config;
    }
  } catch (err) {
    // During a search cosmiconfig names the file only in its message ("YAML Error in <file>:").
    const named = /(?:YAML|JSON|TypeScript) Error in ([^\n]*?):[ \t]*\n/.exec(
      err instanceof Error ? err.message : '',
    )?.[1];
    const where = filepath ?? named ?? searchedFile(opts.cwd) ?? opts.cwd;
    const { message, hint } = await describeLoadError(err, where);
    return {
      layer: null,
      filepath,
      problems: [{ path: FILE_PROBLEM_PATH, source: where, message }],
      ...(hint ? { hint } : {}),
    };
  }

  return toLayer(config, filepath, path.dirname(filepath), { filepath });
}

/**
 * `--config -`: YAML or JSON (YAML 1.2 reads JSON too) from standard input. Relative paths in it
 * resolve against the working directory.
 */
async function readStdin(stdin: (() => Promise<string>) | undefined, cwd: string): Promise<FileLayer> {
  const fail = (message: string, hint?: string): FileLayer => ({
    layer: null,
    filepath: null,
    origin: STDIN_SOURCE,
    problems: [{ path: FILE_PROBLEM_PATH, source: STDIN_SOURCE, message }],
    ...(hint ? { hint } : {}),
  });
  if (!stdin) return fail('standard input cannot be read by this command');
  let text: string;
  try {
    text = await stdin();
  } catch (err) {
    return fail(`cannot read standard input: ${err instanceof Error ? err.message : String(err)}`);
  }
  let config: unknown;
  try {
    config = defaultLoaders['.yaml'](STDIN_SOURCE, text);
  } catch (err) {
    const { message, hint } = await describeLoadError(err, STDIN_SOURCE);
    return fail(message, hint);
  }
  return toLayer(config, STDIN_SOURCE, cwd, { filepath: null, origin: STDIN_SOURCE });
}

/** The parsed settings as the file layer, or the problem with their shape. */
function toLayer(
  parsed: unknown,
  source: string,
  baseDir: string,
  where: Pick<FileLayer, 'filepath' | 'origin'>,
): FileLayer {
  let config = parsed;
  if (config === undefined || config === null) config = {};
  const problems: ConfigProblem[] = [];
  config = plainCopy(config, source, problems);
  if (problems.length > 0) return { layer: null, ...where, problems };
  if (!isPlainObject(config)) {
    return {
      layer: null,
      ...where,
      problems: [
        {
          path: FILE_PROBLEM_PATH,
          source,
          message:
            'expected an object of settings at the top level (in a JS/TS file: export default { ... })',
        },
      ],
    };
  }
  // Editors' "$schema" pointer (schema/sagesync.schema.json) is not a setting.
  const { $schema: _schema, ...values } = config;
  return { layer: { name: 'file', values, sourceOf: () => source, baseDir }, ...where, problems: [] };
}
