/**
 * The JSON Schema of the configuration file, for editors (schema/sagesync.schema.json, written
 * by `npm run schema`, pinned by test/config/json-schema.test.ts).
 */
import { KEY_DESCRIPTIONS } from './descriptions.js';
import { inputJsonSchema } from './keys.js';

type Node = Record<string, unknown> & { properties?: Record<string, Node> };

/**
 * The input side of the zod schema (what a user writes), with one change: nothing is
 * `required`, because a required key may come from the environment or a `*File` secret and an
 * editor must not flag a file that is complete with them. sagesync itself reports missing keys.
 */
export function configJsonSchema(): Record<string, unknown> {
  const root = inputJsonSchema() as Node;
  const walk = (node: Node, prefix: string): void => {
    delete node.required;
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      const description = KEY_DESCRIPTIONS[path];
      if (description !== undefined) child.description = description;
      if (child.type === 'object' && child.properties) walk(child, path);
    }
  };
  walk(root, '');
  root.properties = {
    $schema: { type: 'string', description: 'Path or URL of this JSON Schema (for editors).' },
    ...root.properties,
  };
  return {
    $schema: root.$schema,
    title: 'sagesync configuration',
    description:
      'Configuration of sagesync (OroCommerce <-> Sage X3 staging tables). See docs/configuration.md.',
    ...root,
  };
}
