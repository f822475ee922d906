/**
 * `sagesync init`: a guided setup (src/ops/init/). On a terminal it asks (src/cli/prompter.ts,
 * @inquirer/prompts, loaded only here); with --non-interactive it takes every answer from the
 * SAGESYNC_* variables and --set. Both test each answer with test-connection's checks and write
 * nothing that failed.
 */
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import type { FinishOptions, FinishReport } from '../../ops/init/finish.js';
import type { InitDeps } from '../../ops/init/steps.js';
import type { RunContext } from '../../jobs/context.js';
import { UsageError } from '../../errors.js';
import type { CommandEnv } from '../command.js';
import { EXIT, exitCodeForKind } from '../exit.js';
import type { CommandResult } from '../output.js';
import { withRuntime } from '../runtime.js';

/** 128 + SIGINT, what a shell reports for a command stopped with Ctrl-C. */
const INTERRUPTED = 130;

function list(v: unknown): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function initDeps(env: CommandEnv): InitDeps {
  return {
    cwd: env.io.cwd,
    env: env.io.env,
    say: (line) => void env.io.stdout.write(`${line}\n`),
    // Each test opens and closes its own connections; only errors are logged meanwhile (the
    // checks' lines say the rest, and the warnings appear once, in the final test-connection).
    withContext: <T>(config: Config, fn: (ctx: RunContext) => Promise<T>) =>
      withRuntime(
        { ...config, logging: { ...config.logging, level: 'error' } },
        env.flags,
        env.io,
        undefined,
        (rt) => fn(rt.ctx),
      ),
    now: () => new Date(),
    node: process.execPath,
    bin: path.resolve(process.argv[1] ?? 'sagesync'),
    stopped: () => env.stop?.aborted === true,
  };
}

export async function run(
  _command: string,
  opts: Record<string, unknown>,
  env: CommandEnv,
): Promise<CommandResult> {
  if (env.flags.config === '-') {
    throw new UsageError(
      'sagesync init writes its configuration to a file, so --config - (standard input) cannot name it.',
      {
        hint: 'Name the file to write, e.g. --config ./.sagesyncrc.yaml (the default).',
      },
    );
  }
  const deps = initDeps(env);
  const configPath = path.resolve(env.io.cwd, env.flags.config ?? '.sagesyncrc.yaml');
  const common = {
    configPath,
    force: opts.force === true,
    secrets: opts.secrets === 'env' ? ('env' as const) : ('files' as const),
    ...(typeof opts.schedule === 'string'
      ? { scheduler: opts.schedule as 'crontab' | 'systemd' | 'kubernetes' }
      : {}),
    writeSchedule: opts.writeSchedule === true,
  };
  const { PromptInterrupted } = await import('../../ops/init/prompter.js');
  try {
    return opts.nonInteractive === true
      ? await nonInteractive(deps, opts, common)
      : await interactive(deps, env, common);
  } catch (err) {
    if (!(err instanceof PromptInterrupted)) throw err;
    return {
      exitCode: INTERRUPTED,
      report: { interrupted: true, written: [] },
      lines: [],
      problems: ['Interrupted: nothing was written.'],
    };
  }
}

type Common = Omit<FinishOptions, 'ddl'>;

async function interactive(deps: InitDeps, env: CommandEnv, common: Common): Promise<CommandResult> {
  if (!process.stdin.isTTY || env.io.stdout.isTTY !== true) {
    throw new UsageError('sagesync init asks its questions on a terminal, and this is not one.', {
      hint: 'For automation, run sagesync init --non-interactive with the answers as SAGESYNC_* variables or --set key=value (sagesync init --help).',
    });
  }
  const { initInteractive } = await import('../../ops/init/interactive.js');
  const { inquirerPrompter } = await import('../prompter.js');
  const outcome = await initInteractive(deps, inquirerPrompter(), common);
  const exitCode = outcome.finished ? finalExit(outcome.finished, outcome.migrate) : EXIT.ok;
  return { exitCode, report: reportOf(outcome.finished), lines: [], problems: [] };
}

async function nonInteractive(
  deps: InitDeps,
  opts: Record<string, unknown>,
  common: Common,
): Promise<CommandResult> {
  const { parseSet } = await import('../../ops/init/answers.js');
  const { initNonInteractive } = await import('../../ops/init/non-interactive.js');
  const statuses = list(opts.orderStatuses);
  const migrate = opts.migrate === 'print' || opts.migrate === 'skip' ? opts.migrate : 'run';
  const outcome = await initNonInteractive(deps, {
    ...common,
    sets: parseSet(Array.isArray(opts.set) ? (opts.set as string[]) : []),
    migrate,
    ...(statuses ? { orderStatuses: statuses } : {}),
    sendTestEmail: opts.sendTestEmail === true,
  });
  const exitCode = outcome.failed
    ? exitCodeForKind(outcome.failed)
    : outcome.finished
      ? finalExit(outcome.finished, migrate)
      : EXIT.ok;
  const report = { ...reportOf(outcome.finished ?? null), problems: outcome.problems };
  return { exitCode, report, lines: outcome.lines, problems: outcome.problems };
}

/**
 * After writing: test-connection's code on the written file. With the DDL left to the DBA the
 * missing tables are expected, so the setup counts as done.
 */
function finalExit(done: FinishReport, migrate: 'run' | 'print' | 'skip'): number {
  const failed = done.testConnection.checks.filter((c) => !c.ok && !c.skipped);
  const expected = migrate === 'print' ? new Set(['schema version', 'rights']) : new Set<string>();
  const real = failed.filter((c) => !expected.has(c.name));
  if (real.length === 0) return EXIT.ok;
  return exitCodeForKind(real.some((c) => c.kind === 'config') ? 'config' : 'unavailable');
}

function reportOf(done: FinishReport | null): Record<string, unknown> {
  return {
    written: done?.applied.written ?? [],
    backups: done?.applied.backups ?? [],
    secrets: done?.plan.secrets ?? [],
    testConnection: done?.testConnection ?? null,
  };
}
