/**
 * The configuration file `sagesync init` writes: YAML with a comment above every key (the
 * descriptions the JSON Schema carries, src/config/descriptions.ts). Strings are written as JSON
 * strings, which YAML 1.2 reads as double-quoted scalars, so no value needs hand quoting.
 */
import { KEY_DESCRIPTIONS } from '../../config/descriptions.js';
import { configKeys } from '../../config/keys.js';
import { isPlainObject } from '../../config/layers.js';
import type { Answers } from './answers.js';

function scalar(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  // Lists and filters are written in flow style: JSON is valid YAML.
  return JSON.stringify(value);
}

/** A key is written bare when YAML reads it back as the same string. */
function key(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(name);
}

/** The schema's order of keys (oro before staging, url before clientId), as the examples have it. */
function rank(path: string): number {
  const i = configKeys().findIndex((k) => k.path === path || k.path.startsWith(`${path}.`));
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}

function lines(node: Record<string, unknown>, prefix: string, depth: number): string[] {
  const out: string[] = [];
  const indent = '  '.repeat(depth);
  const at = (name: string): string => (prefix ? `${prefix}.${name}` : name);
  const entries = Object.entries(node).sort(([a], [b]) => rank(at(a)) - rank(at(b)));
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    const about = KEY_DESCRIPTIONS[path];
    if (depth === 0 && out.length > 0) out.push('');
    if (about) out.push(`${indent}# ${about}`);
    // A filter (orders.criteria) has no description per field: it is one value.
    if (isPlainObject(value) && KEY_DESCRIPTIONS[`${path}.${Object.keys(value)[0] ?? ''}`] !== undefined) {
      out.push(`${indent}${key(name)}:`, ...lines(value, path, depth + 1));
    } else if (isPlainObject(value) && depth === 0) {
      out.push(`${indent}${key(name)}:`, ...lines(value, path, depth + 1));
    } else {
      out.push(`${indent}${key(name)}: ${scalar(value)}`);
    }
  }
  return out;
}

export function renderYaml(answers: Answers, header: readonly string[]): string {
  return `${[...header.map((h) => (h ? `# ${h}` : '#')), '', ...lines(answers, '', 0)].join('\n')}\n`;
}
