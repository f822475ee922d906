/**
 * Validation with the zod schema, reporting every problem at once in plain words with the key
 * path and where the value came from (STYLE.md "Validation returns every problem at once",
 * after changesets `config/src/parse.ts`).
 */
import type { z } from 'zod';
import type { ConfigProblem } from '../errors.js';
import { configKeys } from './keys.js';
import type { Origin } from './layers.js';
import { configSchema } from './schema.js';

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys to values',
  record: 'a mapping of keys to values',
  function: 'a function',
  null: 'null',
};

function received(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return `"${input.length > 60 ? `${input.slice(0, 57)}...` : input}"`;
  if (typeof input === 'object') return 'a mapping';
  return String(input);
}

function typeWord(expected: string | undefined): string {
  return (expected && TYPE_WORDS[expected]) ?? expected ?? 'another value';
}

/** Plain-words messages for zod's built-in checks; a schema's own message takes precedence. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return `required: expected ${typeWord(iss.expected)}`;
      return `expected ${typeWord(iss.expected)}, got ${received(iss.input)}`;
    case 'too_small':
      if (iss.origin === 'array') return `expected at least ${String(iss.minimum)} item(s)`;
      if (iss.origin === 'string') return `expected at least ${String(iss.minimum)} character(s)`;
      return `expected a number ${iss.inclusive ? '≥' : '>'} ${String(iss.minimum)}, got ${received(iss.input)}`;
    case 'too_big':
      if (iss.origin === 'array') return `expected at most ${String(iss.maximum)} item(s)`;
      if (iss.origin === 'string') return `expected at most ${String(iss.maximum)} character(s)`;
      return `expected a number ${iss.inclusive ? '≤' : '<'} ${String(iss.maximum)}, got ${received(iss.input)}`;
    case 'invalid_value':
      return `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, got ${received(iss.input)}`;
    case 'invalid_union': {
      // Each branch's own first message, e.g. "expected a mapping … or expected a list …".
      const branches = iss.errors.map((issues) => issues[0]?.message).filter((m): m is string => !!m);
      const unique = [...new Set(branches)];
      return unique.length > 0 ? unique.join(', or ') : undefined;
    }
    case 'invalid_key':
      // A record's key (a stream's column name): the key's own check says what was expected.
      return iss.issues[0]?.message;
    default:
      return undefined;
  }
};

/** Keys whose value must not appear in a message. */
const SECRET_KEY = /(secret|password|passphrase)$/i;

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/** "did you mean clientSecret?" among the keys allowed next to an unknown one. */
function suggestion(parent: string, key: string): string {
  const prefix = parent === '' ? '' : `${parent}.`;
  const siblings = new Set(
    configKeys()
      .filter((k) => k.path.startsWith(prefix))
      .map((k) => k.path.slice(prefix.length).split('.')[0] as string),
  );
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const s of siblings) {
    const d = levenshtein(key.toLowerCase(), s.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [s, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3))
    ? ` (did you mean ${best}?)`
    : '';
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** `streams[0].name` → `streams[0]` → `streams`; `''` above the top. */
function parentOf(path: string): string {
  const up = path.replace(/(?:\.[^.[\]]+|\[\d+\])$/, '');
  return up === path ? '' : up;
}

function isUnder(key: string, path: string): boolean {
  return key.startsWith(`${path}.`) || key.startsWith(`${path}[`);
}

/**
 * Where a problem's value came from: the key itself, something set under it, or the value above
 * it (a list element such as `notifications.to[1]` comes from whoever set the list). A key missing
 * from a section (`staging.sshTunnel.username`) is blamed on the one source that started the
 * section, when one did; a top-level section always exists, so its missing keys are the file's.
 */
export function sourceFor(origins: Map<string, Origin>, path: string, fallback: string): string {
  const exact = origins.get(path);
  if (exact) return exact.source;
  for (const [p, o] of origins) if (isUnder(p, path)) return o.source;
  for (let above = parentOf(path); above !== ''; above = parentOf(above)) {
    const set = origins.get(above);
    if (set) return set.source;
    if (parentOf(above) === '') break;
    const under = new Set([...origins].filter(([p]) => isUnder(p, above)).map(([, o]) => o.source));
    if (under.size === 1) return [...under][0] as string;
    if (under.size > 1) break;
  }
  return fallback;
}

export function validate(
  input: unknown,
  origins: Map<string, Origin>,
  fallbackSource: string,
  schema: z.ZodType = configSchema,
): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
  const result = schema.safeParse(input, { error: errorMap });
  if (result.success) return { ok: true, value: result.data };
  const problems: ConfigProblem[] = [];
  for (const issue of result.error.issues) {
    const at = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = at === '' ? key : `${at}.${key}`;
        problems.push({
          path,
          source: sourceFor(origins, path, fallbackSource),
          message: `unknown key${suggestion(at, key)}`,
        });
      }
      continue;
    }
    // Never echo a secret's value back into a terminal or a cron mail.
    const message = SECRET_KEY.test(at) ? issue.message.replace(/, got .*$/s, '') : issue.message;
    problems.push({ path: at || '(top level)', source: sourceFor(origins, at, fallbackSource), message });
  }
  return { ok: false, problems };
}
