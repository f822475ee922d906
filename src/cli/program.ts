/**
 * The commander program: every command of docs/contract/cli-and-config.md with its help. The job
 * commands come from the catalog (src/jobs/catalog.ts), the others from ./program-ops.ts.
 * Nothing here imports a command's code: actions hand over to `dispatch`, which lazy-imports it,
 * so `--help` never loads a database driver or the HTTP client.
 */
import { Command } from 'commander';
import { JOBS, STREAM_KINDS, type JobEntry } from '../jobs/catalog.js';
import { packageFile } from '../package-root.js';
import { configHelp, exitCodes, helpWidth, jobHelp } from './help.js';
import { parseIds } from './ids.js';
import type { CliIo } from './io.js';
import { addOpsCommands } from './program-ops.js';

export type Dispatch = (command: string, opts: Record<string, unknown>) => Promise<void>;

const COUNT: Readonly<Record<number, string>> = { 2: 'two', 3: 'three', 4: 'four', 5: 'five', 6: 'six' };

export function buildProgram(io: CliIo, dispatch: Dispatch, version: string): Command {
  const width = (): number => helpWidth(io.stdout);
  const program = new Command('sagesync');
  program
    .description(
      'Connects an OroCommerce B2B store to the Sage X3 ERP through staging tables in a shared database.',
    )
    .version(version, '-V, --version', 'print the version')
    .option(
      '-c, --config <file>',
      'configuration file, or - to read it from standard input (default: $SAGESYNC_CONFIG, else found in the current directory)',
    )
    .option('--json', 'print one JSON summary object on stdout and nothing else on stdout')
    .option('-v, --verbose', 'log at debug level and show the cause of errors')
    .option('-q, --quiet', 'print only problems')
    .option('--no-color', 'no colours, even on a terminal (NO_COLOR and FORCE_COLOR are honoured too)')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    // Each command's help lists the options every command takes, too, and wraps descriptions down
    // to narrow terminals (commander stops wrapping below 40 columns by default). Settings made
    // here are copied to the commands added below.
    .configureHelp({ showGlobalOptions: true, minWidthToWrap: 20 })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      getOutHelpWidth: width,
      getErrHelpWidth: () => helpWidth(io.stderr),
    })
    .showHelpAfterError('(run "sagesync --help" for the commands and options)')
    .addHelpText('after', () => `${configHelp(width())}\n${exitCodes(width())}`);

  for (const j of JOBS as readonly JobEntry<string>[]) {
    const job = program
      .command(j.name)
      .summary(j.summary)
      .description(`${j.summary[0]?.toUpperCase()}${j.summary.slice(1)}.`)
      .option('--dry-run', 'read both sides and print what would be written; write nothing');
    if (j.ids !== undefined)
      job.option('--id <id,...>', `only these ${j.ids} (comma-separated, repeatable)`, parseIds);
    job
      .addHelpText('after', jobHelp(j, width))
      .action(async (_opts: unknown, cmd: Command) => dispatch(j.name, cmd.optsWithGlobals()));
  }

  const names = JOBS.map((j) => j.name);
  const listed = `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
  const count = COUNT[names.length] ?? String(names.length);
  program
    .command('run-all')
    .summary(`the ${count} jobs in order, each under its own lock, within a time budget`)
    .description(
      `Runs ${listed} in that order, then every custom stream of the configuration (streams), each under its own lock. ` +
        'No new batch starts after runAll.maxDurationSeconds, so runs do not pile up under a one-minute schedule. ' +
        'This is what crontab or a Kubernetes CronJob calls every minute.',
    )
    .option('--dry-run', 'read both sides and print what would be written; write nothing')
    .addHelpText(
      'after',
      jobHelp(
        {
          reads: `what each of the ${count} jobs reads`,
          writes: `what each of the ${count} jobs writes; one sagesync_run row per job; alert e-mails`,
          examples: [
            [
              'sagesync run-all',
              'what cron runs every minute; prints nothing when idle and not on a terminal',
            ],
            ['sagesync run-all --dry-run --json', 'what every job would write now, as one JSON object'],
            [
              'sagesync -c /etc/sagesync/sagesync.yaml run-all --quiet',
              'with an explicit configuration file, printing only problems',
            ],
          ],
        },
        width,
      ),
    )
    .action(async (_opts: unknown, cmd: Command) => dispatch('run-all', cmd.optsWithGlobals()));

  program
    .command('run-stream')
    .argument('<name>', 'the name of a stream in the configuration (streams[].name)')
    .summary('run one custom stream of the configuration (streams) by name')
    .description(
      'Runs one custom stream declared under "streams" in the configuration, under its own lock, like a built-in job: ' +
        'a push stream stages changed Oro records in its table, a pull stream applies NEW rows of its table to Oro. ' +
        `run-all runs every stream after the ${count} built-in jobs. See ${packageFile('docs/streams.md')}.`,
    )
    .option('--dry-run', 'read both sides and print what would be written; write nothing')
    .option(
      '--id <id,...>',
      `only these ${STREAM_KINDS.push.ids} (push stream) or ${STREAM_KINDS.pull.ids} (pull stream), comma-separated, repeatable`,
      parseIds,
    )
    .addHelpText(
      'after',
      jobHelp(
        {
          reads: `${STREAM_KINDS.push.reads} (push), or ${STREAM_KINDS.pull.reads} (pull)`,
          writes: `${STREAM_KINDS.push.writes} (push), or ${STREAM_KINDS.pull.writes} (pull)`,
          examples: [
            ['sagesync run-stream products --dry-run', 'what the stream "products" would stage now'],
            ['sagesync run-stream contact-ratings --id 7', 'apply one staging row of a pull stream'],
          ],
        },
        width,
      ),
    )
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      dispatch('run-stream', { ...cmd.optsWithGlobals(), stream: name }),
    );

  addOpsCommands(program, dispatch, width);
  return program;
}
