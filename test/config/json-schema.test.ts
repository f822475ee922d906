import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderSchemaFile, SCHEMA_FILE } from '../../schema/generate.js';
import { KEY_DESCRIPTIONS } from '../../src/config/descriptions.js';
import { configKeys } from '../../src/config/keys.js';

describe('schema/sagesync.schema.json', () => {
  it('is what `npm run schema` generates from the zod schema (run it after changing schema.ts)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await renderSchemaFile());
  });

  it('describes every key', () => {
    const missing = configKeys()
      .map((k) => k.path)
      .filter((p) => KEY_DESCRIPTIONS[p] === undefined);
    expect(missing).toEqual([]);
  });

  it('accepts the example configuration and rejects a typo', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
    const example = parse(
      readFileSync(new URL('../../examples/sagesync.yaml', import.meta.url), 'utf8'),
    ) as unknown;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ oro: { clientSecert: 'x' } })).toBe(false);
  });
});
