/**
 * `sagesync migrate`: creates or upgrades the staging tables; `--print` writes the DDL for a DBA
 * instead (no database; with --dialect, no configuration either).
 */
import { loadStagingAndStreams, type CliOverride } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import type { CommandEnv } from '../command.js';
import { EXIT } from '../exit.js';
import type { CommandResult } from '../output.js';
import { configSource, runtimeCommand } from './load.js';

/** `--dialect` overrides `staging.dialect`. */
function overrides(opts: Record<string, unknown>): CliOverride[] {
  return typeof opts.dialect === 'string'
    ? [{ path: 'staging.dialect', value: opts.dialect, option: '--dialect' }]
    : [];
}

const migrate = runtimeCommand(async (rt, { loaded }) => {
  const store = await rt.ctx.openStore();
  const { streamTables } = await import('../../streams/tables.js');
  // Custom streams' tables (issue 8) are created or upgraded with the contract's.
  const report = await store.migrate(streamTables(loaded.config));
  const where = store.tableName('sagesync_schema_version').replace(/\.[^.]*$/, '');
  const lines = report.alreadyCurrent
    ? [`The staging tables in ${where} are current (contract version ${report.contractVersion}).`]
    : [
        `Migrated the staging tables in ${where} to contract version ${report.contractVersion}: applied ${report.applied.join(', ')}.`,
      ];
  return { exitCode: EXIT.ok, report, lines, problems: [] };
}, overrides);

export async function run(
  command: string,
  opts: Record<string, unknown>,
  env: CommandEnv,
): Promise<CommandResult> {
  return opts.print === true ? print(opts, env, overrides(opts)) : migrate(command, opts, env);
}

async function print(
  opts: Record<string, unknown>,
  env: CommandEnv,
  overrides: CliOverride[],
): Promise<CommandResult> {
  const loaded = await loadStagingAndStreams({ ...configSource(env), overrides });
  const staging = loaded.config.staging;
  const { streamTables } = await import('../../streams/tables.js');
  const role = typeof opts.role === 'string' ? opts.role : undefined;
  // The role name is written into the DDL: only a plain identifier, so nothing needs quoting.
  if (role !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(role)) {
    throw new UsageError(`--role "${role}" is not a plain identifier.`, {
      hint: 'Use letters, digits and underscores, starting with a letter, e.g. --role sagesync_app.',
    });
  }
  const { printDdl } = await import('../../staging/print-ddl.js');
  // The embedded database is PostgreSQL (PGlite).
  const dialect = staging.dialect === 'mssql' ? 'mssql' : 'postgres';
  const ddl = printDdl(dialect, {
    ...(staging.schema ? { schema: staging.schema } : {}),
    tablePrefix: staging.tablePrefix,
    ...(role ? { role } : {}),
    extraTables: streamTables(loaded.config),
  });
  return { exitCode: EXIT.ok, report: { dialect, ddl }, lines: [ddl.replace(/\n+$/, '')], problems: [] };
}
