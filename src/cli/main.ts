/**
 * The CLI: parses with commander, runs the command (lazy-imported), prints its result and returns
 * the exit code. src/index.ts is the one place that hands the code to the process.
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { JOBS } from '../jobs/catalog.js';
import type { CommandEnv, CommandModule } from './command.js';
import { processIo, type CliIo, type GlobalFlags } from './io.js';
import { exitCodeForSignal } from './exit.js';
import { Output } from './output.js';
import { buildProgram } from './program.js';

const jobCommands = (): Promise<CommandModule> => import('./commands/jobs.js');

/** Command → its module, imported only when it runs: every job of the catalog, then the rest. */
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  ...Object.fromEntries(JOBS.map((j) => [j.name, jobCommands])),
  'run-all': jobCommands,
  'run-stream': jobCommands,
  'test-connection': () => import('./commands/test-connection.js'),
  migrate: () => import('./commands/migrate.js'),
  status: () => import('./commands/status.js'),
  init: () => import('./commands/init.js'),
  'config show': () => import('./commands/config.js'),
  'config validate': () => import('./commands/config.js'),
  completion: () => import('./commands/completion.js'),
};

function version(): string {
  try {
    // dist/cli/main.js and src/cli/main.ts are both two levels below package.json.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The flags as typed, read before commander parses so that a usage error is reported in the
 * requested form too (--json). commander's own parse decides them for the command itself.
 */
function earlyFlags(argv: readonly string[]): GlobalFlags {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  const own = end === -1 ? args : args.slice(0, end);
  return {
    json: own.includes('--json'),
    verbose: own.includes('--verbose') || own.includes('-v'),
    quiet: own.includes('--quiet') || own.includes('-q'),
    noColor: own.includes('--no-color'),
  };
}

/**
 * Runs the CLI; returns the exit code. Never throws, never exits. `stop` is aborted by src/index.ts
 * on SIGTERM/SIGINT/SIGHUP: jobs start no new batch and the command ends as soon as it can.
 */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  stop?: AbortSignal,
): Promise<number> {
  let flags = earlyFlags(argv);
  let out = new Output(io, flags);
  let current: string | undefined;

  const dispatch = async (command: string, opts: Record<string, unknown>): Promise<void> => {
    current = command;
    flags = {
      config: typeof opts.config === 'string' ? opts.config : undefined,
      json: opts.json === true,
      verbose: opts.verbose === true,
      // --verbose wins over --quiet: asking for details and silence at once gets the details.
      quiet: opts.quiet === true && opts.verbose !== true,
      noColor: opts.color === false,
      command,
    };
    out = new Output(io, flags);
    const load = COMMANDS[command];
    if (!load) throw new Error(`no module for command "${command}"`);
    const mod = await load();
    const env: CommandEnv = { io, flags, out, ...(stop ? { stop } : {}) };
    const result = await mod.run(command, opts, env);
    out.result(command, result);
    exitCode = stop?.aborted ? exitCodeForSignal(String(stop.reason)) : result.exitCode;
  };

  let exitCode = 0;
  const program = buildProgram(io, dispatch, version());
  try {
    // `sagesync` alone prints the help and fails with a usage error (commander's exit 1 → 64).
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    exitCode = out.error(current, err);
  }
  return exitCode;
}
