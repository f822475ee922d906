/**
 * Precedence, written once (STYLE.md "Precedence written once", after node-postgres
 * `connection-parameters.js`): explicit command-line option → environment → file → default.
 * Defaults are the schema's and apply after this merge, so a key no layer sets gets its default.
 *
 * A key holds one value: a higher layer replaces it whole (an `orders.criteria` filter from the
 * environment is not merged into the file's). A secret and its `*File` twin move as one unit:
 * the highest layer that sets either decides, and setting both in one layer is a problem.
 */
import type { ConfigProblem } from '../errors.js';
import { isLeafPath, SECRET_FILE_KEYS } from './keys.js';

export interface Layer {
  name: 'command line' | 'environment' | 'file';
  values: Record<string, unknown>;
  /** Where a dotted path's value came from, as problems show it. */
  sourceOf: (path: string) => string | undefined;
  /** Directory a relative path in this layer resolves against. */
  baseDir: string;
}

export interface Origin {
  source: string;
  baseDir: string;
}

export interface Merged {
  input: Record<string, unknown>;
  /** Dotted path of every value set → the layer it came from. */
  origins: Map<string, Origin>;
  problems: ConfigProblem[];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Leaves of a layer: known keys whole, unknown keys (typos) as they are for the schema to report. */
function leaves(values: Record<string, unknown>, prefix: string[] = []): [string[], unknown][] {
  const out: [string[], unknown][] = [];
  for (const [name, value] of Object.entries(values)) {
    const segments = [...prefix, name];
    if (isPlainObject(value) && !isLeafPath(segments.join('.'))) out.push(...leaves(value, segments));
    else out.push([segments, value]);
  }
  return out;
}

function getPath(root: Record<string, unknown>, path: string): unknown {
  let node: unknown = root;
  for (const segment of path.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[segment];
  }
  return node;
}

function setPath(root: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node = root;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    node = isPlainObject(next) ? next : (node[segment] = {});
  }
  node[segments[segments.length - 1] as string] = value;
}

function deletePath(root: Record<string, unknown>, path: string): void {
  const segments = path.split('.');
  const parent = getPath(root, segments.slice(0, -1).join('.'));
  if (isPlainObject(parent)) delete parent[segments[segments.length - 1] as string];
}

/**
 * Merges layers given highest priority first: `[commandLine, environment, file]`.
 */
export function mergeLayers(layers: readonly Layer[]): Merged {
  const input: Record<string, unknown> = {};
  const origins = new Map<string, Origin>();
  const problems: ConfigProblem[] = [];

  for (const layer of layers) {
    for (const [valueKey, fileKey] of SECRET_FILE_KEYS) {
      if (getPath(layer.values, valueKey) !== undefined && getPath(layer.values, fileKey) !== undefined) {
        problems.push({
          path: fileKey,
          source: layer.sourceOf(fileKey) ?? layer.name,
          message: `set either ${valueKey} or ${fileKey}, not both`,
        });
      }
    }
  }

  // Lowest priority first, each layer overwriting what it sets.
  for (const layer of [...layers].reverse()) {
    for (const [valueKey, fileKey] of SECRET_FILE_KEYS) {
      if (getPath(layer.values, valueKey) !== undefined || getPath(layer.values, fileKey) !== undefined) {
        for (const key of [valueKey, fileKey]) {
          deletePath(input, key);
          origins.delete(key);
        }
      }
    }
    for (const [segments, value] of leaves(layer.values)) {
      if (value === undefined) continue;
      const path = segments.join('.');
      setPath(input, segments, value);
      origins.set(path, { source: layer.sourceOf(path) ?? layer.name, baseDir: layer.baseDir });
    }
  }
  return { input, origins, problems };
}

export { getPath, setPath, deletePath };
