/**
 * The configuration's keys as data: every leaf of the schema with its type, its environment
 * variable and whether it is a path or a secret. Derived from the zod schema (through its JSON
 * Schema, zod's public way to look inside a schema) so that a key added to schema.ts gets its
 * `SAGESYNC_*` variable without anyone remembering to add it here.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

/** How an environment variable's text becomes the key's value. */
type KeyKind = 'string' | 'integer' | 'number' | 'boolean' | 'string-array' | 'json' | 'json-or-list';

export interface ConfigKey {
  /** Dotted path, e.g. `staging.tls.caFile`. */
  path: string;
  segments: readonly string[];
  kind: KeyKind;
  /** `SAGESYNC_` + the path in upper snake case. */
  env: string;
  /** Allowed values of an enum key. */
  values?: readonly string[];
}

/**
 * Secrets that can also be read from a file (Kubernetes secret mounts), as [value key, file key].
 * Within one source, setting both is a problem; across sources the pair moves as one unit.
 */
export const SECRET_FILE_KEYS: readonly (readonly [string, string])[] = [
  ['oro.clientSecret', 'oro.clientSecretFile'],
  ['staging.password', 'staging.passwordFile'],
  ['staging.sshTunnel.passphrase', 'staging.sshTunnel.passphraseFile'],
  ['notifications.smtp.password', 'notifications.smtp.passwordFile'],
];

/** Keys holding a file-system path: a relative one resolves against the config file's directory. */
export const PATH_KEYS: readonly string[] = [
  'staging.path',
  'staging.tls.caFile',
  'oro.tls.caFile',
  'staging.sshTunnel.privateKeyFile',
  'logging.file',
  'monitoring.textfile',
];

/** Variables starting with `SAGESYNC_` that are not configuration keys. */
export const RESERVED_ENV = new Set(['SAGESYNC_CONFIG']);

/** `clientSecret` → `CLIENT_SECRET`, `hostKeySha256` → `HOST_KEY_SHA256`. */
function upperSnake(segment: string): string {
  return segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export function envName(segments: readonly string[]): string {
  return `SAGESYNC_${segments.map(upperSnake).join('_')}`;
}

type JsonSchemaNode = {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  enum?: unknown[];
  anyOf?: JsonSchemaNode[];
};

/** The input side of the schema: what a user writes (defaults not applied yet). */
export function inputJsonSchema(): Record<string, unknown> {
  // `unrepresentable: 'any'`: orders.criteria may be a function, which JSON Schema cannot say.
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}

function kindOf(node: JsonSchemaNode): KeyKind {
  if (node.type === 'string') return 'string';
  if (node.type === 'integer') return 'integer';
  if (node.type === 'number') return 'number';
  if (node.type === 'boolean') return 'boolean';
  if (node.type === 'array' && node.items?.type === 'string') return 'string-array';
  // customAttributes: a JSON object, or a list of names as shorthand.
  if (node.anyOf?.some((n) => n.type === 'array' && n.items?.type === 'string')) return 'json-or-list';
  return 'json';
}

let cached: readonly ConfigKey[] | undefined;

/** Every leaf key of the configuration, in schema order. */
export function configKeys(): readonly ConfigKey[] {
  if (cached) return cached;
  const keys: ConfigKey[] = [];
  const walk = (node: JsonSchemaNode, segments: string[]): void => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const path = [...segments, name];
      // A nested section has named properties; a record (filter, customAttributes) is one value.
      if (child.type === 'object' && child.properties) {
        walk(child, path);
        continue;
      }
      const key: ConfigKey = {
        path: path.join('.'),
        segments: path,
        kind: kindOf(child),
        env: envName(path),
      };
      if (child.enum) key.values = child.enum.map(String);
      keys.push(key);
    }
  };
  walk(inputJsonSchema(), []);
  cached = Object.freeze(keys);
  return cached;
}

/** True for a key that holds one value (not a section such as `staging.tls`). */
export function isLeafPath(path: string): boolean {
  return configKeys().some((k) => k.path === path);
}
