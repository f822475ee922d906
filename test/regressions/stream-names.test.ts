// @module-tag hostile
/**
 * Issue 18, point 18: stream names and Oro names that every JavaScript object has
 * (`constructor`, `toString`, …) crashed a run with exit 70; column names longer than the
 * database keeps were accepted (PostgreSQL truncates to 63 bytes, so two columns sharing their
 * first 63 became one and migrate crashed); a bad column name said only "Invalid key in record".
 * All are configuration problems (exit 78) naming the key.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../config/helpers.js';

const oro = { url: 'https://x.example.com', clientId: 'c', clientSecret: 's' };

async function problems(streams: unknown[], dialect = 'postgres') {
  const cwd = tempDir({ '.sagesyncrc.json': JSON.stringify({ oro, staging: { dialect }, streams }) });
  const err = await loadConfig({ cwd, env: {} }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
}

const push = (over: Record<string, unknown>) => ({
  name: 'products',
  direction: 'push',
  resource: 'products',
  table: 'product',
  key: ['sku'],
  columns: { sku: { source: 'sku', type: 'string(40)' } },
  ...over,
});
const pull = (over: Record<string, unknown>) => ({
  name: 'stock',
  direction: 'pull',
  resource: 'products',
  table: 'stock',
  columns: { sku: { type: 'string(40)' }, qty: { type: 'integer' } },
  match: { column: 'sku', attribute: 'sku' },
  set: { quantity: 'qty' },
  ...over,
});
const JS_NAME =
  'is a name every JavaScript object has (constructor, toString, valueOf, …); sagesync cannot use it here';

describe('names every JavaScript object has (issue 18, point 18)', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('source %s', async (name) => {
    const found = await problems([
      push({
        columns: { sku: { source: 'sku', type: 'string(40)' }, x: { source: name, type: 'string(40)' } },
      }),
    ]);
    expect(found).toEqual([`streams[0].columns.x.source: "${name}" ${JS_NAME}`]);
  });

  it('a relationship attribute, a stream name, a resource, an include, match and set', async () => {
    const found = await problems([
      push({
        name: 'constructor',
        resource: 'valueof',
        include: ['toString'],
        columns: {
          sku: { source: 'sku', type: 'string(40)' },
          u: { source: 'toString.constructor', type: 'string(40)' },
        },
      }),
      pull({ match: { column: 'sku', attribute: 'hasOwnProperty' }, set: { toString: 'qty' } }),
    ]);
    expect(found).toEqual([
      `streams[0].name: "constructor" ${JS_NAME}`,
      `streams[0].include[0]: "toString" ${JS_NAME}`,
      `streams[0].columns.u.source: "toString.constructor" ${JS_NAME}`,
      `streams[1].match.attribute: "hasOwnProperty" ${JS_NAME}`,
      `streams[1].set.toString: "toString" ${JS_NAME}`,
    ]);
  });

  it('a bad column name says what a column name must be', async () => {
    const found = await problems([
      push({
        columns: {
          sku: { source: 'sku', type: 'string(40)' },
          'Unit Price': { source: 'sku', type: 'string(40)' },
        },
      }),
    ]);
    expect(found).toEqual([
      'streams[0].columns.Unit Price: expected a lower-case unquoted identifier such as unit_price',
    ]);
  });
});

describe('column names within the database identifier limit (issue 18, point 18)', () => {
  const shared = 'c'.repeat(63);
  const two = {
    sku: { source: 'sku', type: 'string(40)' },
    [`${shared}_a`]: { source: 'sku', type: 'string(40)' },
    [`${shared}_b`]: { source: 'sku', type: 'string(40)' },
  };

  it.each(['postgres', 'embedded'])('%s: over 63 bytes is refused', async (dialect) => {
    const found = await problems([push({ columns: two })], dialect);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      new RegExp(
        `^streams\\[0\\]\\.columns\\.${shared}_a: the column name is 65 bytes long and .*keeps at most 63; shorten it$`,
      ),
    );
  });

  it('mssql: 65 bytes is fine, 129 is not', async () => {
    const long = 'd'.repeat(129);
    const found = await problems(
      [
        push({ columns: { ...two, [long]: { source: 'sku', type: 'string(40)' } } }),
        pull({ name: 'constructor' }),
      ],
      'mssql',
    );
    expect(found).toEqual([
      `streams[0].columns.${long}: the column name is 129 bytes long and SQL Server keeps at most 128; shorten it`,
      `streams[1].name: "constructor" ${JS_NAME}`,
    ]);
  });

  it('staging.tablePrefix leaves room for a table name within 63 bytes', async () => {
    const cwd = tempDir({
      '.sagesyncrc.json': JSON.stringify({
        oro,
        staging: { dialect: 'postgres', tablePrefix: 'p'.repeat(24) },
      }),
    });
    const err = (await loadConfig({ cwd, env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems.map((p) => p.path)).toEqual(['staging.tablePrefix']);
  });
});
