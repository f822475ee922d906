/**
 * `npm run schema`: writes schema/sagesync.schema.json from the zod schema (src/config/schema.ts).
 * test/config/json-schema.test.ts fails when the committed file differs from what this makes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { configJsonSchema } from '../src/config/json-schema.js';

export const SCHEMA_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sagesync.schema.json');

/** The file's expected text, formatted as `npm run lint` (prettier --check) wants it. */
export async function renderSchemaFile(): Promise<string> {
  const options = (await prettier.resolveConfig(SCHEMA_FILE)) ?? {};
  return prettier.format(JSON.stringify(configJsonSchema(), null, 2), { ...options, filepath: SCHEMA_FILE });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await renderSchemaFile();
  const before = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
  await writeFile(SCHEMA_FILE, text);
  console.log(`${before === text ? 'unchanged' : 'wrote'} ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
