/**
 * Subcommand help (issue 20): every command's `--help` shows the options every command takes and
 * an Examples section, wrapped to the terminal's width (80 columns when it is not known).
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { examplesText, helpWidth } from '../../src/cli/help.js';
import { runCli } from './helpers.js';

/** Every command and subcommand of the program as typed (`config show`), help aside. */
function commandLines(): string[][] {
  const sink = { write: () => true };
  const program = buildProgram({ stdout: sink, stderr: sink, env: {}, cwd: '/' }, async () => {}, '0');
  const walk = (cmd: Command, path: string[]): string[][] =>
    cmd.commands
      .filter((c) => c.name() !== 'help')
      .flatMap((c) => [[...path, c.name()], ...walk(c, [...path, c.name()])]);
  return walk(program, []);
}

const COMMANDS = commandLines();

/** A line that is one word (with its indentation, `$ ` and a trailing ` \`) cannot be wrapped. */
const unbreakable = (line: string): boolean => /^\s*(\$ )?\S+( \\)?$/.test(line);

describe('subcommand help', () => {
  it('covers every command, the nested config ones and completion included', () => {
    const typed = COMMANDS.map((c) => c.join(' '));
    for (const c of ['push-orders', 'run-all', 'run-stream', 'migrate', 'init', 'config show', 'completion'])
      expect(typed).toContain(c);
  });

  it.each(COMMANDS.map((c) => [c.join(' '), c]))(
    '%s --help shows the global options and examples',
    async (_name, command) => {
      const r = await runCli([...command, '--help']);
      expect(r.code).toBe(0);
      const global = r.stdout.slice(r.stdout.indexOf('Global Options:'));
      expect(r.stdout).toContain('Global Options:');
      for (const flag of ['-c, --config <file>', '--json', '-v, --verbose', '-q, --quiet', '--no-color'])
        expect(global).toContain(flag);
      const examples = r.stdout.slice(r.stdout.indexOf('Examples:'));
      expect(r.stdout).toContain('\nExamples:\n');
      // Each example is a command line as typed, then what it does.
      expect(examples).toMatch(/^ {2}\$ sagesync \S/m);
      expect(examples).toMatch(/^ {6}\S/m);
      expect(r.stdout).toContain('Exit codes:');
    },
  );

  it.each([60, 80, 120])('is wrapped to a terminal of %i columns', async (columns) => {
    for (const command of COMMANDS) {
      const r = await runCli([...command, '--help'], { columns });
      const long = r.stdout.split('\n').filter((l) => l.length > columns && !unbreakable(l));
      expect(long, `${command.join(' ')} at ${columns} columns`).toEqual([]);
    }
  });

  it('uses the whole width of a wide terminal', async () => {
    const r = await runCli(['init', '--help'], { columns: 160 });
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(120);
  });

  it('is 80 columns wide when the width is not known, also for a pty that reports 0 columns', () => {
    expect(helpWidth({ write: () => true })).toBe(80);
    expect(helpWidth({ write: () => true, columns: 0 })).toBe(80);
    expect(helpWidth({ write: () => true, columns: 132 })).toBe(132);
  });

  it('continues a long example command with a backslash, so that it can be pasted into a shell', () => {
    const text = examplesText(
      [['sagesync migrate --print --dialect mssql --role sagesync_app > staging.sql', 'the DDL']],
      40,
    );
    const lines = text.split('\n').slice(2);
    expect(lines[0]).toMatch(/^ {2}\$ sagesync migrate .* \\$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    const command = lines
      .slice(0, -1)
      .map((l) =>
        l
          .replace(/^ {2}\$ /, '')
          .replace(/ \\$/, '')
          .trim(),
      )
      .join(' ');
    expect(command).toBe('sagesync migrate --print --dialect mssql --role sagesync_app > staging.sql');
    expect(lines.at(-1)).toBe('      the DDL');
  });
});
