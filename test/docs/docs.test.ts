/**
 * Keeps the man pages and the README in step with the code: every configuration key of the zod
 * schema (with its environment variable and default) is in sagesync-config(5), every key that page
 * documents exists, and the pages render without groff warnings.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { configSchema } from '../../src/config/schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
/** roff source with the escapes that matter here undone (`\-` is a hyphen). */
const roff = (p: string): string => read(p).replace(/\\-/g, '-');

type Node = { type?: string | string[]; properties?: Record<string, Node> };

/** Every leaf key of the schema (what a user can write), as dotted paths, in schema order. */
function schemaKeys(): string[] {
  const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Node;
  const keys: string[] = [];
  const walk = (node: Node, prefix: string[]): void => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (child.type === 'object' && child.properties) walk(child, [...prefix, name]);
      else keys.push([...prefix, name].join('.'));
    }
  };
  walk(json, []);
  return keys;
}

/** The contract's rule: `SAGESYNC_` + the path in upper snake case. */
const envName = (key: string): string =>
  'SAGESYNC_' +
  key
    .split('.')
    .map((s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
    .join('_');

/** The `.TP` entries of the KEYS section: the tag line and the body, by key. */
function manEntries(): Map<string, string> {
  const source = roff('man/sagesync-config.5');
  const keysSection = source.slice(source.indexOf('.SH KEYS'), source.indexOf('.SH EXAMPLES'));
  const entries = new Map<string, string>();
  for (const block of keysSection.split(/^\.TP\n/m).slice(1)) {
    const tag = block.split('\n', 1)[0]!;
    for (const key of tag.match(/\b[a-z][A-Za-z]*(?:\.[a-z][A-Za-z0-9]*)+\b/g) ?? []) entries.set(key, block);
    // `streams` (issue 8) is a top-level key holding a list, so it has no dotted path.
    if (/^\.BR? streams\b/.test(tag)) entries.set('streams', block);
  }
  return entries;
}

/** Defaults as the schema applies them, read from a parse with the required keys only. */
function schemaDefaults(): Map<string, unknown> {
  const given = {
    oro: { url: 'https://oro.example.com', clientId: 'id', clientSecret: 'secret' },
    staging: { sshTunnel: { host: 'h', username: 'u', privateKeyFile: 'k', hostKeySha256: 'SHA256:x' } },
    notifications: { smtp: { host: 'smtp.example.com' } },
  };
  const parsed = configSchema.parse(given) as Record<string, unknown>;
  const at = (root: unknown, key: string): unknown =>
    key.split('.').reduce<unknown>((node, s) => (node as Record<string, unknown> | undefined)?.[s], root);
  const defaults = new Map<string, unknown>();
  for (const key of schemaKeys()) if (at(given, key) === undefined) defaults.set(key, at(parsed, key));
  return defaults;
}

describe('sagesync-config(5)', () => {
  const entries = manEntries();
  const keys = schemaKeys();

  it('has an entry for every key of the schema, with its environment variable', () => {
    expect(keys.length).toBeGreaterThan(40);
    const missing = keys.filter((k) => !entries.has(k));
    expect(missing, 'keys of src/config/schema.ts missing from man/sagesync-config.5').toEqual([]);
    const withoutEnv = keys.filter((k) => !entries.get(k)!.includes(envName(k)));
    expect(withoutEnv, 'entries that do not name the key’s environment variable').toEqual([]);
  });

  it('documents no key that the schema does not have', () => {
    const extra = [...entries.keys()].filter((k) => !keys.includes(k));
    expect(extra).toEqual([]);
  });

  it('states the default of every key that has a plain one', () => {
    const wrong: string[] = [];
    for (const [key, value] of schemaDefaults()) {
      if (!['number', 'boolean', 'string'].includes(typeof value)) continue;
      // The tag line as a reader sees it: macros and quotes removed.
      const tag = entries
        .get(key)!
        .split('\n', 1)[0]!
        .replace(/^\.\w+\s+/, '')
        .replace(/"/g, '')
        .replace(/\s+/g, ' ')
        .replace(/ ([;,)])/g, '$1');
      if (!tag.includes(`default ${String(value)};`))
        wrong.push(`${key}: default ${String(value)} (tag: ${tag})`);
    }
    expect(wrong, 'defaults missing or different in man/sagesync-config.5').toEqual([]);
  });

  it('names every *File secret and the precedence order', () => {
    const text = roff('man/sagesync-config.5');
    for (const key of keys.filter(
      (k) => k.endsWith('File') && !k.endsWith('privateKeyFile') && k !== 'staging.tls.caFile',
    ))
      expect(text).toContain(key);
    expect(text).toMatch(/\.SS Precedence/);
  });
});

describe('man pages render', () => {
  const groff = spawnSync('groff', ['--version'], { encoding: 'utf8' });
  const haveGroff = groff.status === 0;
  if (!haveGroff)
    console.warn(
      'groff is not installed: the man pages’ rendering is not checked (apt-get install groff-base)',
    );

  it.skipIf(!haveGroff).each(['man/sagesync.1', 'man/sagesync-config.5'])(
    '%s renders without warnings',
    (page) => {
      const out = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', join(root, page)], { encoding: 'utf8' });
      expect(out.status).toBe(0);
      expect(out.stderr).toBe('');
      // -P-bou: plain text, without grotty's overstriking for bold and underline.
      const text = execFileSync('groff', ['-man', '-Tutf8', '-P-bou', join(root, page)], {
        encoding: 'utf8',
      });
      expect(text).toMatch(/NAME/);
      expect(text).toMatch(/SEE ALSO/);
    },
  );
});

describe('sagesync(1)', () => {
  const source = roff('man/sagesync.1');
  it('has every section a reader expects', () => {
    for (const section of [
      'NAME',
      'SYNOPSIS',
      'DESCRIPTION',
      'COMMANDS',
      'OPTIONS',
      'EXIT STATUS',
      'ENVIRONMENT',
      'FILES',
      'EXAMPLES',
      'SEE ALSO',
    ])
      expect(source).toMatch(new RegExp(`^\\.SH ${section}$`, 'm'));
  });

  it('lists every exit code of the contract', () => {
    const contract = read('docs/contract/cli-and-config.md');
    // A row may name several codes ("| 129, 130, 143 |"), the man page then one `.BR` line.
    const codes = [...contract.matchAll(/^\| (\d+(?:, \d+)*) \|/gm)].flatMap((m) => m[1]!.split(', '));
    expect(codes).toEqual(['0', '1', '64', '69', '78', '129', '130', '143']);
    const exitSection = source.slice(source.indexOf('.SH EXIT STATUS'), source.indexOf('.SH ENVIRONMENT'));
    const listed = [...exitSection.matchAll(/^\.BR? (.+)$/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/(?:^|[\s"])(\d+)(?=[\s"]|$)/g)].map((d) => d[1]!),
    );
    for (const code of codes) expect(listed).toContain(code);
  });
});

/** The commander program as the CLI builds it; its actions are never run here. */
function program(): Command {
  const sink = { write: () => true };
  return buildProgram({ stdout: sink, stderr: sink, env: {}, cwd: root }, async () => {}, '0.0.0');
}

/** Long flags (`--dry-run`) of a command; short ones are documented next to them. */
const longFlags = (cmd: Command): string[] =>
  cmd.options.map((o) => o.long).filter((f): f is string => f !== undefined);

describe('the CLI and its documentation', () => {
  const cli = program();
  const commands = cli.commands.filter((c) => c.name() !== 'help');
  const man = roff('man/sagesync.1');
  const section = (name: string, next: string): string =>
    man.slice(man.indexOf(`.SH ${name}`), man.indexOf(`.SH ${next}`));

  it('registers the commands of the contract', () => {
    expect(commands.map((c) => c.name()).sort()).toEqual(
      [
        'completion',
        'config',
        'init',
        'migrate',
        'pull-credit',
        'pull-tracking',
        'push-customers',
        'push-orders',
        'run-all',
        'run-stream',
        'status',
        'test-connection',
      ].sort(),
    );
  });

  it('sagesync(1) describes every command and every option', () => {
    const commandsSection = section('COMMANDS', 'OPTIONS');
    const optionsSection = section('OPTIONS', 'EXIT STATUS');
    const synopsis = section('SYNOPSIS', 'DESCRIPTION');
    for (const cmd of commands) {
      expect(commandsSection, `command ${cmd.name()}`).toMatch(new RegExp(`^\\.B ${cmd.name()}$`, 'm'));
      expect(synopsis, `command ${cmd.name()} in SYNOPSIS`).toContain(cmd.name());
      for (const flag of longFlags(cmd)) {
        expect(optionsSection, `${cmd.name()} ${flag}`).toContain(flag);
        expect(synopsis, `${cmd.name()} ${flag} in SYNOPSIS`).toContain(flag);
      }
    }
    for (const flag of [...longFlags(cli), '--help'])
      expect(optionsSection, `global ${flag}`).toContain(flag);
    for (const short of cli.options.map((o) => o.short).filter((f): f is string => f !== undefined))
      expect(optionsSection, `global ${short}`).toMatch(new RegExp(`\\.BR? ${short}\\b`));
  });

  it('every command and option of the README’s command table exists in the CLI', () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('Every command takes'));
    const rows = [...table.matchAll(/^\| `sagesync ([a-z-]+)` \|([^|]*)\|/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual(commands.map((c) => c.name()).sort());
    for (const [, name, options] of rows) {
      const cmd = commands.find((c) => c.name() === name)!;
      for (const flag of options!.match(/--[a-z-]+/g) ?? [])
        expect(longFlags(cmd), `${name} ${flag}`).toContain(flag);
    }
    const globals = readme.slice(readme.indexOf('Every command takes'), readme.indexOf('Exit codes'));
    for (const flag of globals.match(/--[a-z-]+/g) ?? [])
      expect([...longFlags(cli), ...commands.flatMap(longFlags), '--help'], flag).toContain(flag);
  });
});

describe('README.md', () => {
  const readme = read('README.md');

  it('links every page of docs/', () => {
    const pages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
    expect(pages.length).toBeGreaterThan(5);
    const unlinked = pages.filter((f) => !readme.includes(`(docs/${f}`));
    expect(unlinked, 'docs/*.md pages the README does not link').toEqual([]);
  });

  it('starts with the two commands a newcomer needs: the demo and the tests', () => {
    const first = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
    const commands = first
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['npm ci && npm run demo', 'npm test']);
  });

  it('stays a page to start and decide with: measurement logs and runbooks live in docs/', () => {
    // Issue 15: the README had grown to 40 KB of measurement prose and troubleshooting detail.
    // Its figures are the performance summary table; dated runs go to docs/measurements.md.
    expect(Buffer.byteLength(readme), 'README.md bytes (move detail to docs/)').toBeLessThanOrEqual(
      36 * 1024,
    );
    expect(readme, 'a timestamped run belongs in docs/measurements.md').not.toMatch(/\b\d\d:\d\d UTC\b/);
  });

  it('says no command is missing, since every command of the contract is built', () => {
    expect(readme).not.toMatch(/not available yet|not built yet/i);
  });

  it('has the sections a user looks for', () => {
    for (const section of [
      'Security',
      'Custom streams',
      'Troubleshooting',
      'Performance',
      'Reliability',
      'Limitations',
    ])
      expect(readme).toMatch(new RegExp(`^## ${section}$`, 'm'));
  });
});
