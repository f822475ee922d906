/**
 * The commander program: every command of docs/contract/cli-and-config.md with its help.
 * Nothing here imports a command's code: actions hand over to `dispatch`, which lazy-imports it,
 * so `--help` never loads a database driver or the HTTP client.
 */
import { Command, Option } from 'commander';
import { JOBS, STREAM_KINDS, type JobEntry } from '../jobs/catalog.js';
import { packageFile } from '../package-root.js';
import { parseIds } from './ids.js';
import type { CliIo } from './io.js';

export type Dispatch = (command: string, opts: Record<string, unknown>) => Promise<void>;

const EXIT_CODES = `
Exit codes:
  0   the run did its work, or another run held the lock and this one skipped (said in the summary)
  1   the run finished but some records failed (quarantined or marked ERROR)
  64  usage error (unknown command or option, bad option value)
  69  a service was unavailable: database, Oro, SMTP or SSH tunnel unreachable or refused the credentials
  70  internal error (a bug in sagesync; run again with --verbose and report it)
  78  the configuration is invalid (every problem is named with its key and file)
  143, 130, 129  stopped by SIGTERM, SIGINT, SIGHUP after the batch in flight (a second signal: at once)`;

const CONFIG_HELP = `
Configuration: --config <file>, else $SAGESYNC_CONFIG, else the first of package.json ("sagesync"
key), .sagesyncrc, .sagesyncrc.{json,yaml,yml,js,ts,cjs,mjs}, sagesync.config.{js,ts,cjs,mjs} in the
current directory. Any key can be set by SAGESYNC_<KEY_PATH> (oro.clientSecret is
SAGESYNC_ORO_CLIENT_SECRET). See man 5 sagesync-config, or ${packageFile('docs/configuration.md')}.`;

const COUNT: Readonly<Record<number, string>> = { 2: 'two', 3: 'three', 4: 'four', 5: 'five', 6: 'six' };

function jobHelp(j: { reads: string; writes: string }): string {
  return `
Reads:  ${j.reads}.
Writes: ${j.writes}.
Each job runs under its own lock; a second run that finds it held skips (exit 0).
${EXIT_CODES}`;
}

export function buildProgram(io: CliIo, dispatch: Dispatch, version: string): Command {
  const program = new Command('sagesync');
  program
    .description(
      'Connects an OroCommerce B2B store to the Sage X3 ERP through staging tables in a shared database.',
    )
    .version(version, '-V, --version', 'print the version')
    .option(
      '-c, --config <file>',
      'configuration file (default: $SAGESYNC_CONFIG, else found in the current directory)',
    )
    .option('--json', 'print one JSON summary object on stdout and nothing else on stdout')
    .option('-v, --verbose', 'log at debug level and show the cause of errors')
    .option('-q, --quiet', 'print only problems')
    .option('--no-color', 'no colours, even on a terminal (NO_COLOR and FORCE_COLOR are honoured too)')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run "sagesync --help" for the commands and options)')
    .addHelpText('after', `${CONFIG_HELP}\n${EXIT_CODES}`);

  for (const j of JOBS as readonly JobEntry<string>[]) {
    const job = program
      .command(j.name)
      .summary(j.summary)
      .description(`${j.summary[0]?.toUpperCase()}${j.summary.slice(1)}.`)
      .option('--dry-run', 'read both sides and print what would be written; write nothing');
    if (j.ids !== undefined)
      job.option('--id <id,...>', `only these ${j.ids} (comma-separated, repeatable)`, parseIds);
    job
      .addHelpText('after', jobHelp(j))
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
      jobHelp({
        reads: `what each of the ${count} jobs reads`,
        writes: `what each of the ${count} jobs writes; one sagesync_run row per job; alert e-mails`,
      }),
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
      jobHelp({
        reads: `${STREAM_KINDS.push.reads} (push), or ${STREAM_KINDS.pull.reads} (pull)`,
        writes: `${STREAM_KINDS.push.writes} (push), or ${STREAM_KINDS.pull.writes} (pull)`,
      }),
    )
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      dispatch('run-stream', { ...cmd.optsWithGlobals(), stream: name }),
    );

  program
    .command('test-connection')
    .summary('check every configured connection and prerequisite, one line per check')
    .description(
      'Checks the staging database (TLS, SSH tunnel, schema version and rights), the Oro token and a read, and SMTP. ' +
        'Prints one line per check with what to fix. Writes nothing.',
    )
    .addHelpText(
      'after',
      `
Exit 0 when every check passed, else the code of the worst failure (78 configuration, 69 unavailable).
${EXIT_CODES}`,
    )
    .action(async (_opts: unknown, cmd: Command) => dispatch('test-connection', cmd.optsWithGlobals()));

  program
    .command('migrate')
    .summary('create or upgrade the staging tables (--print: write the DDL for a DBA)')
    .description(
      'Creates or upgrades the staging tables of the contract and records the version; safe to run twice or ' +
        'from two processes at once. With --print, writes the DDL (with a least-privilege role) to stdout ' +
        'instead, for a DBA to apply; --print needs no database and, with --dialect, no configuration.',
    )
    .option('--print', 'write the DDL to stdout instead of running it')
    .addOption(
      new Option('--dialect <dialect>', 'the DDL dialect (overrides staging.dialect)').choices([
        'mssql',
        'postgres',
      ]),
    )
    .option('--role <name>', 'name of the least-privilege role in the printed DDL')
    .addHelpText(
      'after',
      `
Reads:  the staging database's recorded schema version (not with --print).
Writes: the staging tables and sagesync_schema_version; with --print, only stdout.
${EXIT_CODES}`,
    )
    .action(async (_opts: unknown, cmd: Command) => dispatch('migrate', cmd.optsWithGlobals()));

  program
    .command('status')
    .summary('backlog per table, last run of each job, quarantined records, rows X3 rejected')
    .description(
      'Shows the backlog per staging table and status, the last run of each job, the quarantined records ' +
        'and the rows X3 rejected. Reads the staging database only; writes nothing.',
    )
    .addHelpText('after', EXIT_CODES)
    .action(async (_opts: unknown, cmd: Command) => dispatch('status', cmd.optsWithGlobals()));

  program
    .command('init')
    .summary('guided setup: asks, tests each answer, writes the configuration and its secrets')
    .description(
      'Sets up a working connection: asks for Oro (tested at once: token, the resources the jobs read, the ' +
        'credit-limit attribute), the staging database (tested; offers migrate or the DDL for the DBA), e-mail ' +
        '(tested; a test e-mail on request), the order statuses to stage (with how many current orders that is), ' +
        'then writes the configuration (--config, default ./.sagesyncrc.yaml) with the secrets in files of mode ' +
        '0600 or an environment file, runs test-connection on it and prints how to schedule run-all. ' +
        'A wrong answer is explained and asked again; nothing that failed is written; Ctrl-C writes nothing.',
    )
    .option('--non-interactive', 'take every answer from SAGESYNC_* variables and --set; ask nothing')
    .option(
      '--set <key=value>',
      'one answer for any configuration key, e.g. --set oro.url=https://shop.example.com (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--force', 'replace an existing configuration file (the old one is kept as <file>.<time>.bak)')
    .addOption(
      new Option('--secrets <where>', 'where the secrets go: files of mode 0600, or an environment file')
        .choices(['files', 'env'])
        .default('files'),
    )
    .addOption(
      new Option('--migrate <how>', 'run migrate, print the DDL to staging.sql for a DBA, or skip')
        .choices(['run', 'print', 'skip'])
        .default('run'),
    )
    .option(
      '--order-statuses <ids>',
      'order internal status ids to stage, comma-separated (default: every order)',
    )
    .option('--send-test-email', 'send a test e-mail to notifications.to')
    .addOption(
      new Option('--schedule <how>', 'print how to run it every minute').choices([
        'crontab',
        'systemd',
        'kubernetes',
      ]),
    )
    .option('--write-schedule', 'also write the scheduling file(s) next to the configuration')
    .addHelpText(
      'after',
      `
Non-interactive example (writes ./.sagesyncrc.yaml and .sagesync/secrets/):
  SAGESYNC_ORO_URL=https://shop.example.com SAGESYNC_ORO_CLIENT_ID=sagesync \
  SAGESYNC_ORO_CLIENT_SECRET=… SAGESYNC_STAGING_DIALECT=postgres \
  SAGESYNC_STAGING_URL=postgres://sagesync@db.example.com/erp SAGESYNC_STAGING_PASSWORD=… \
  sagesync init --non-interactive --order-statuses open --schedule crontab

Exit 0 when the configuration was written and test-connection passed on it; 78 for a bad answer or an
existing file without --force, 69 when a service was unreachable or refused the credentials (nothing
written in both cases); 64 without a terminal and without --non-interactive; 130 after Ctrl-C.
${EXIT_CODES}`,
    )
    .action(async (_opts: unknown, cmd: Command) => dispatch('init', cmd.optsWithGlobals()));

  return program;
}
