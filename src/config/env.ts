/**
 * The environment layer: `SAGESYNC_` + the key path in upper snake case
 * (docs/contract/cli-and-config.md "Configuration"). Text is converted to the key's type
 * here so that the schema sees the same values a YAML file would give.
 */
import type { ConfigProblem } from '../errors.js';
import { configKeys, RESERVED_ENV, type ConfigKey } from './keys.js';
import type { Layer } from './layers.js';
import { plainCopy } from './plain-copy.js';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

type Converted = { ok: true; value: unknown } | { ok: false; expected: string };

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseJson(text: string): Converted {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, expected: 'valid JSON' };
  }
}

/** Converts one variable's text to the key's type. */
export function convertEnvValue(key: ConfigKey, text: string): Converted {
  const t = text.trim();
  switch (key.kind) {
    case 'string':
      // Strings are taken as written (a password may start or end with a space).
      return { ok: true, value: text };
    case 'integer':
    case 'number': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { ok: false, expected: `a number` };
      if (key.kind === 'integer' && !Number.isInteger(n)) return { ok: false, expected: 'a whole number' };
      return { ok: true, value: n };
    }
    case 'boolean': {
      const lower = t.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, expected: 'true or false (also 1/0, yes/no, on/off)' };
    }
    case 'string-array':
      if (t.startsWith('[')) return parseJson(t);
      return { ok: true, value: list(t) };
    case 'json-or-list':
      if (t.startsWith('{') || t.startsWith('[')) return parseJson(t);
      return { ok: true, value: list(t) };
    case 'json':
      return parseJson(t);
  }
}

function setPath(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else node = node[segment] = {};
  }
  node[segments[segments.length - 1] as string] = value;
}

/**
 * Builds the environment layer. Variables that are empty are ignored (container tooling often
 * passes unset values as empty strings); `SAGESYNC_` variables that name no key are ignored too
 * (test and tooling variables share the prefix) and returned in `unknown` for a debug line.
 */
export function readEnvLayer(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): { layer: Layer; problems: ConfigProblem[]; unknown: string[] } {
  const values: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  const byName = new Map(configKeys().map((k) => [k.env, k]));
  const unknown: string[] = [];
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith('SAGESYNC_') || RESERVED_ENV.has(name)) continue;
    const key = byName.get(name);
    if (!key) {
      unknown.push(name);
      continue;
    }
    if (text === undefined || text === '') continue;
    const source = `environment $${name}`;
    const converted = convertEnvValue(key, text);
    if (!converted.ok) {
      problems.push({ path: key.path, source, message: `expected ${converted.expected}, got "${text}"` });
    }
    // A bad value still overrides the file, so the problem reported is this one and not a
    // stale file value; the loader drops the schema's second message for the same key.
    // JSON from a variable gets the same checks as a file's (no `__proto__`, bounded depth).
    const value = converted.ok ? plainCopy(converted.value, source, problems, key.path) : text;
    setPath(values, key.segments, value);
    sources.set(key.path, source);
  }
  return {
    layer: { name: 'environment', values, sourceOf: (p) => sources.get(p), baseDir: cwd },
    problems,
    unknown,
  };
}
