/**
 * `sagesync completion bash|zsh` (issue 20): scripts generated from the commander program that
 * the shells accept (`bash -n`, `zsh -n`) and that complete as a user pressing Tab expects: bash
 * through its completion function, zsh in an interactive shell on a pseudo-terminal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { bashScript, completionModel, zshScript } from '../../src/cli/completion.js';
import { EXIT } from '../../src/cli/exit.js';
import { buildProgram } from '../../src/cli/program.js';
import { runCli } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sagesync-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (shell: string): boolean => spawnSync(shell, ['-c', 'true']).status === 0;
const HAS_ZSH = has('zsh');
if (!HAS_ZSH)
  console.warn('zsh is not installed (.ci/run installs it): the zsh completion tests are skipped.');

async function script(shell: 'bash' | 'zsh'): Promise<string> {
  const r = await runCli(['completion', shell]);
  expect(r.code).toBe(EXIT.ok);
  expect(r.stderr).toBe('');
  const file = path.join(dir, `sagesync.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

function program(): Command {
  const sink = { write: () => true };
  return buildProgram({ stdout: sink, stderr: sink, env: {}, cwd: '/' }, async () => {}, '0');
}

/** What bash's completion function offers for each line (the word under the cursor is the last). */
function bashComplete(file: string, lines: string[]): string[][] {
  const driver = `source "$1"; shift
for line in "$@"; do
  read -ra COMP_WORDS <<< "$line"
  [[ "$line" == *" " || -z "$line" ]] && COMP_WORDS+=("")
  COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  _sagesync
  printf '%s\\n' "\${COMPREPLY[*]}"
done`;
  const r = spawnSync('bash', ['-c', driver, 'bash', file, ...lines], { encoding: 'utf8', cwd: dir });
  expect(r.stderr).toBe('');
  return r.stdout
    .split('\n')
    .slice(0, lines.length)
    .map((l) => l.split(' ').filter(Boolean).sort());
}

/** What an interactive zsh shows after Tab on each line (test/cli/zsh-complete.zsh). */
function zshComplete(file: string, lines: string[]): string[] {
  const driver = fileURLToPath(new URL('./zsh-complete.zsh', import.meta.url));
  const r = spawnSync('zsh', ['-f', driver, file, ...lines], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  expect(r.status, r.stdout).toBe(0);
  return (
    r.stdout
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[a-zA-Z]|\r/g, '')
      .split('--- end\n')
      .slice(0, lines.length)
  );
}

describe('sagesync completion', () => {
  it('prints a script bash accepts', async () => {
    const r = spawnSync('bash', ['-n', await script('bash')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!HAS_ZSH)('prints a script zsh accepts', async () => {
    const r = spawnSync('zsh', ['-n', await script('zsh')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses another shell (64)', async () => {
    expect((await runCli(['completion', 'fish'])).code).toBe(EXIT.usage);
  });

  it('is generated from the program: a command or option added there completes', () => {
    const p = program();
    p.command('frobnicate').option('--level <file>', 'a file').option('--twice', 'twice');
    const model = completionModel(p);
    const frob = model.commands.find((c) => c.name === 'frobnicate');
    expect(frob?.options.map((o) => o.flags.join(','))).toEqual(['--level', '--twice', '-h,--help']);
    const bash = bashScript(model);
    expect(bash).toContain(`'frobnicate') args='' opts='--level --twice -h --help' ;;`);
    expect(bash).toMatch(/--level\) COMPREPLY=\(\$\(compgen -f/);
    expect(zshScript(model)).toContain('_sagesync_sagesync_frobnicate()');
  });

  it('bash completes commands, subcommands, options and their values', async () => {
    const file = await script('bash');
    writeFileSync(path.join(dir, 'prod.yaml'), '');
    const [top, mig, config, configShow, dialect, orders, after, shells, cfg, global] = bashComplete(file, [
      'sagesync ',
      'sagesync mig',
      'sagesync config ',
      'sagesync config show --',
      'sagesync migrate --dialect ',
      'sagesync push-orders --d',
      'sagesync --json push-orders --id 7 --',
      'sagesync completion ',
      'sagesync -c pro',
      'sagesync --ver',
    ]);
    // Every command of the program, and `help`.
    const commands = [...program().commands.map((c) => c.name()), 'help'].sort();
    expect(top).toEqual(commands);
    expect(mig).toEqual(['migrate']);
    expect(config).toEqual(['show', 'validate']);
    expect(configShow).toContain('--json');
    expect(configShow).toContain('--config');
    expect(dialect).toEqual(['mssql', 'postgres']);
    expect(orders).toEqual(['--dry-run']);
    expect(after).toContain('--dry-run');
    expect(after).toContain('--quiet');
    expect(after).not.toContain('--print');
    expect(shells).toEqual(['bash', 'zsh']);
    expect(cfg).toEqual(['prod.yaml']);
    expect(global).toEqual(['--verbose', '--version']);
  });

  it.skipIf(!HAS_ZSH)('zsh completes commands, subcommands, options and their values', async () => {
    const file = await script('zsh');
    writeFileSync(path.join(dir, 'prod.yaml'), '');
    const [config, mig, dialect, orders, shells, cfg] = zshComplete(file, [
      'sagesync config ',
      'sagesync mig',
      'sagesync migrate --dialect ',
      'sagesync push-orders --',
      'sagesync completion ',
      'sagesync -c pro',
    ]);
    expect(config).toMatch(/^show +-- the effective configuration/m);
    expect(config).toMatch(/^validate +-- check the configuration/m);
    // One match: the word is completed in the line.
    expect(mig).toContain('sagesync migrate ');
    expect(dialect).toMatch(/^mssql +postgres$/m);
    for (const flag of ['--dry-run', '--id', '--json', '--config'])
      expect(orders).toMatch(new RegExp(`^${flag} +-- `, 'm'));
    expect(orders).not.toMatch(/^--print /m);
    expect(shells).toMatch(/^bash +zsh$/m);
    expect(cfg).toContain('sagesync -c prod.yaml');
  });
});
