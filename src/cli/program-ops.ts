/**
 * The commands that are not jobs: test-connection, migrate, status, init, config and completion,
 * with their help (src/cli/help.ts). Like ./program.ts, nothing here imports a command's code.
 */
import { Argument, type Command, Option } from 'commander';
import { commandHelp } from './help.js';
import type { Dispatch } from './program.js';

const NON_INTERACTIVE = [
  'SAGESYNC_ORO_URL=https://shop.example.com SAGESYNC_ORO_CLIENT_ID=sagesync',
  'SAGESYNC_ORO_CLIENT_SECRET=… SAGESYNC_STAGING_DIALECT=postgres',
  'SAGESYNC_STAGING_URL=postgres://sagesync@db.example.com/erp SAGESYNC_STAGING_PASSWORD=…',
  'sagesync init --non-interactive --order-statuses open --schedule crontab',
].join(' ');

/** The action of a command without arguments: its options and the global ones, to `dispatch`. */
const action =
  (dispatch: Dispatch, name: string) =>
  async (_opts: unknown, cmd: Command): Promise<void> =>
    dispatch(name, cmd.optsWithGlobals());

export function addOpsCommands(program: Command, dispatch: Dispatch, width: () => number): void {
  const run = (name: string) => action(dispatch, name);

  program
    .command('test-connection')
    .summary('check every configured connection and prerequisite, one line per check')
    .description(
      'Checks the staging database (TLS, SSH tunnel, schema version and rights), the Oro token and a read, and SMTP. ' +
        'Prints one line per check with what to fix. Writes nothing.',
    )
    .addHelpText(
      'after',
      commandHelp(
        '\nExit 0 when every check passed, else the code of the worst failure (78 configuration, 69 unavailable).',
        [
          ['sagesync test-connection', 'every check, one line each, with what to fix'],
          ['sagesync test-connection --quiet', 'only the checks that failed'],
        ],
        width,
      ),
    )
    .action(run('test-connection'));

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
      commandHelp(
        `
Reads:  the staging database's recorded schema version (not with --print).
Writes: the staging tables and sagesync_schema_version; with --print, only stdout.`,
        [
          ['sagesync migrate', 'create the staging tables, or upgrade them to this version'],
          [
            'sagesync migrate --print --dialect mssql --role sagesync_app > staging.sql',
            'the T-SQL for a DBA, with a least-privilege role; needs no configuration',
          ],
        ],
        width,
      ),
    )
    .action(run('migrate'));

  program
    .command('status')
    .summary('backlog per table, last run of each job, quarantined records, rows X3 rejected')
    .description(
      'Shows the backlog per staging table and status, the last run of each job, the quarantined records ' +
        'and the rows X3 rejected. Reads the staging database only; writes nothing.',
    )
    .addHelpText(
      'after',
      commandHelp(
        '',
        [
          ['sagesync status', 'backlog, last runs, quarantine and rejected rows'],
          ['sagesync status --json | jq .result.lastRuns', 'the last run of each job, for a script'],
        ],
        width,
      ),
    )
    .action(run('status'));

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
      commandHelp(
        '\nExit 0 when the configuration was written and test-connection passed on it; 78 for a bad answer or an ' +
          'existing file without --force, 69 when a service was unreachable or refused the credentials (nothing ' +
          'written in both cases); 64 without a terminal and without --non-interactive; 130 after Ctrl-C.',
        [
          ['sagesync init', 'asks on a terminal, tests each answer, writes ./.sagesyncrc.yaml'],
          [NON_INTERACTIVE, 'the same without questions: writes ./.sagesyncrc.yaml and .sagesync/secrets/'],
        ],
        width,
      ),
    )
    .action(run('init'));

  addConfigCommands(program, dispatch, width);
}

function addConfigCommands(program: Command, dispatch: Dispatch, width: () => number): void {
  const run = (name: string) => action(dispatch, name);
  const config = program
    .command('config')
    .summary('show the effective configuration, or check it; connects to nothing')
    .description(
      'Reads the configuration as every command does (file, SAGESYNC_* variables, defaults) and connects to nothing.',
    )
    .addHelpText(
      'after',
      commandHelp(
        '',
        [
          ['sagesync config show', 'every key, its value and its source'],
          [
            'sagesync config validate',
            'exit 0 when the configuration is valid, else 78 naming every problem',
          ],
        ],
        width,
      ),
    );
  config
    .command('show')
    .summary('the effective configuration with where each value came from; secrets masked')
    .description(
      'Prints every key of the effective configuration, its value and where the value came from: the file, ' +
        'an environment variable, the command line or the default. Secrets (and a password in a URL) are masked.',
    )
    .addHelpText(
      'after',
      commandHelp(
        '',
        [
          ['sagesync config show', 'every key, its value and its source'],
          [
            `sagesync config show --json | jq -r '.result.settings[] | select(.key == "oro.url") | .source'`,
            'where oro.url came from, for a script',
          ],
        ],
        width,
      ),
    )
    .action(run('config show'));
  config
    .command('validate')
    .summary('check the configuration: exit 0, or 78 naming every problem')
    .description(
      'Loads and validates the configuration exactly as a run would, without connecting anywhere: exit 0 when ' +
        'it is valid, else 78 with every problem, its key and where the value came from.',
    )
    .addHelpText(
      'after',
      commandHelp(
        '',
        [
          ['sagesync config validate -c /etc/sagesync/sagesync.yaml', 'check a file before deploying it'],
          [
            'sagesync config validate --json -c - < sagesync.yaml',
            'check what standard input holds; problems as JSON',
          ],
        ],
        width,
      ),
    )
    .action(run('config validate'));

  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'the shell: bash or zsh').choices(['bash', 'zsh']))
    .summary('print the shell completion script for bash or zsh')
    .description(
      "Prints a completion script for the shell, generated from sagesync's commands and options: load it in " +
        'the shell or install it where the shell looks for completions.',
    )
    .addHelpText(
      'after',
      commandHelp(
        '',
        [
          ['source <(sagesync completion bash)', 'completion in this bash session (add it to ~/.bashrc)'],
          [
            'sagesync completion bash > /etc/bash_completion.d/sagesync',
            'for every bash user (the bash-completion package loads it)',
          ],
          [
            'sagesync completion zsh > "${fpath[1]}/_sagesync"',
            'zsh: into a directory of fpath, then start a new shell (compinit loads it)',
          ],
        ],
        width,
      ),
    )
    .action(async (shell: string, _opts: unknown, cmd: Command) =>
      dispatch('completion', { ...cmd.optsWithGlobals(), shell }),
    );
}
