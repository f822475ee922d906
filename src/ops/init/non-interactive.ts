/**
 * `sagesync init --non-interactive`: every answer from the environment (the usual SAGESYNC_*
 * variables) or `--set key=value`; the same tests as the interactive form, in the same order, and
 * nothing written unless every one passed. Throws ConfigError (78) for a bad answer; returns the
 * failed checks with their kind otherwise.
 */
import type { CliOverride } from '../../config/load.js';
import { formatChecks } from '../test-connection.js';
import { answersFromEnvironment, setAnswer, validateAnswers, validateGiven } from './answers.js';
import { existingFiles, refuseExisting } from './write-plan.js';
import { finish, plan, type FinishOptions, type FinishReport } from './finish.js';
import {
  migrateDdl,
  orderCensus,
  qualifying,
  runMigrate,
  sendTestEmail,
  testPart,
  type InitDeps,
} from './steps.js';

/** The database lines shown before migrate (the schema and rights are shown after it). */
const DATABASE_LINES = new Set(['SSH tunnel', 'staging database']);

export interface NonInteractiveOptions extends Omit<FinishOptions, 'ddl'> {
  sets: readonly CliOverride[];
  migrate: 'run' | 'print' | 'skip';
  /** Order internal status ids that may be staged (orders.criteria.internalStatus). */
  orderStatuses?: readonly string[];
  sendTestEmail: boolean;
}

export interface InitOutcome {
  /** The failing part's kind, or null when the setup was written. */
  failed: 'config' | 'unavailable' | null;
  lines: string[];
  problems: string[];
  finished?: FinishReport;
}

export async function initNonInteractive(deps: InitDeps, o: NonInteractiveOptions): Promise<InitOutcome> {
  await validateGiven(deps.env, o.sets, deps.cwd);
  const given = answersFromEnvironment(deps.env, deps.cwd, o.sets);
  if (o.orderStatuses?.length) setAnswer(given, 'orders.criteria', { internalStatus: [...o.orderStatuses] });
  const config = await validateAnswers(given, deps.cwd);

  // Refused before any test: an existing file is not replaced without --force (the DDL's
  // content is not known yet, only that staging.sql will be written).
  const willPrint = o.migrate === 'print' ? { ddl: '(DDL)' } : {};
  if (!o.force) refuseExisting(existingFiles(plan(given, deps, { ...o, ...willPrint })));

  const lines: string[] = [];
  const fail = (what: string, r: Awaited<ReturnType<typeof testPart>>): InitOutcome => ({
    failed: r.kind,
    lines,
    problems: [`${what} failed; nothing was written:`, ...formatChecks({ ok: false, checks: r.failed })],
  });

  const oro = await testPart(deps, config, 'oro');
  lines.push(...formatChecks({ ok: oro.ok, checks: oro.checks.filter((c) => c.name !== 'configuration') }));
  if (!oro.ok) return fail('The Oro test', oro);

  const db = await testPart(deps, config, 'database', { beforeMigrate: true });
  lines.push(...formatChecks({ ok: db.ok, checks: db.checks.filter((c) => DATABASE_LINES.has(c.name)) }));
  if (!db.ok) return fail('The staging database test', db);

  let ddl: string | undefined;
  if (o.migrate === 'run') {
    lines.push(await runMigrate(deps, config));
    const after = await testPart(deps, config, 'database');
    if (!after.ok) return fail('The staging database test after migrate', after);
  } else if (o.migrate === 'print') {
    ddl = await migrateDdl(config);
    lines.push('Did not migrate: the DDL for the DBA goes to staging.sql (sagesync migrate --print).');
  } else {
    lines.push('Did not migrate (--migrate skip).');
  }

  const smtp = await testPart(deps, config, 'smtp');
  lines.push(...formatChecks({ ok: smtp.ok, checks: smtp.checks.filter((c) => c.name === 'SMTP') }));
  if (!smtp.ok) return fail('The SMTP test', smtp);
  if (o.sendTestEmail) lines.push(await sendTestEmail(config, deps.now()));

  const census = await orderCensus(deps, config);
  lines.push(qualifying(census, o.orderStatuses?.length ? o.orderStatuses : undefined));

  const finished = await finish(given, deps, { ...o, ...(ddl ? { ddl } : {}) });
  lines.push('', ...finished.lines);
  return { failed: null, lines, problems: [], finished };
}
