/**
 * A plain copy of what a configuration file or variable gave, made before anything else reads
 * it (issue 18, points 13 and 14): a JS file's getter that throws, a key that would reach
 * `Object.prototype` (`__proto__`) and a value nested thousands of levels deep become problems
 * with their key path instead of a crash or a polluted program.
 */
import type { ConfigProblem } from '../errors.js';
import { maskConfigFrame } from './mask-frame.js';

/** Keys that name a prototype instead of a setting; never copied. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any setting (a stream's filter condition is 5 levels); well within the stack. */
const MAX_DEPTH = 32;

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function thrown(err: unknown): string {
  return maskConfigFrame(err instanceof Error ? err.message : String(err));
}

/**
 * Copies plain objects and arrays (other values, such as an `orders.criteria` function, as they
 * are). Problems are pushed to `problems`, each with `source`; the offending key is left out.
 */
export function plainCopy(
  value: unknown,
  source: string,
  problems: ConfigProblem[],
  path = '',
  depth = 0,
): unknown {
  if (!Array.isArray(value) && !isRecord(value)) return value;
  if (depth >= MAX_DEPTH) {
    problems.push({
      path: path.split(/[.[]/)[0] || '(top level)',
      source,
      message: `nested more than ${MAX_DEPTH} levels deep; no setting is`,
    });
    return undefined;
  }
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (err) {
    problems.push({ path: path || '(top level)', source, message: `cannot be read: ${thrown(err)}` });
    return undefined;
  }
  const out: unknown[] | Record<string, unknown> = Array.isArray(value) ? [] : {};
  for (const key of keys) {
    const at = Array.isArray(value) ? join(path, Number(key)) : join(path, key);
    if (!Array.isArray(value) && FORBIDDEN_KEYS.has(key)) {
      problems.push({
        path: at,
        source,
        message: `"${key}" is not a setting, and a key of that name could change every object of the program; remove it`,
      });
      continue;
    }
    let child: unknown;
    try {
      child = (value as Record<string, unknown>)[key];
    } catch (err) {
      problems.push({ path: at, source, message: `reading this key threw: ${thrown(err)}` });
      continue;
    }
    const copied = plainCopy(child, source, problems, at, depth + 1);
    if (copied === undefined && child !== undefined) continue;
    // defineProperty, not assignment: a key is data, never a setter of the copy.
    Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
