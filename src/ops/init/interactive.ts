/**
 * The interactive `sagesync init`: Oro, the staging database (and migrate), e-mail, the order
 * criteria from the statuses Oro has, where the secrets go, how to schedule it; then the files
 * are written and test-connection runs on them. Each part is tested when answered and asked again
 * when it fails; Ctrl-C at a question or during a test stops with nothing written (PromptInterrupted).
 */
import { answersFromEnvironment, removeAnswer, setAnswer } from './answers.js';
import { askNotifications, askOro, askStaging } from './ask-connections.js';
import { finish, plan, type FinishOptions, type FinishReport } from './finish.js';
import { stoppable, type Prompter } from './prompter.js';
import type { Scheduler } from './schedule.js';
import {
  formatCensus,
  migrateDdl,
  orderCensus,
  qualifying,
  runMigrate,
  sendTestEmail,
  type InitDeps,
} from './steps.js';
import { existingFiles } from './write-plan.js';

export interface InteractiveOutcome {
  /** Null when the user chose not to replace an existing file. */
  finished: FinishReport | null;
  migrate: 'run' | 'print' | 'skip';
}

export async function initInteractive(
  deps: InitDeps,
  prompter: Prompter,
  o: Omit<FinishOptions, 'ddl'>,
): Promise<InteractiveOutcome> {
  const p = stoppable(prompter, deps.stopped);
  deps.say(`sagesync init: a few questions, each tested at once, then ${o.configPath} is written.`);
  deps.say('Ctrl-C at any point stops without writing anything.');
  // SAGESYNC_* variables already set are offered as the defaults.
  const a = answersFromEnvironment(deps.env, deps.cwd, []);
  let force = o.force;
  const existing = existingFiles(plan(a, deps, o)).filter((f) => f === o.configPath);
  if (existing.length > 0 && !force) {
    force = await p.confirm(
      `${o.configPath} exists. Replace it at the end (the old one is kept as a .bak copy)?`,
      false,
    );
    if (!force) {
      deps.say('Nothing was written.');
      return { finished: null, migrate: 'skip' };
    }
  }

  await askOro(deps, p, a);
  const dbConfig = await askStaging(deps, p, a);

  let ddl: string | undefined;
  const how = await p.select(
    'Create the staging tables?',
    [
      { name: 'Yes, now (sagesync migrate)', value: 'run' },
      { name: 'No: write the DDL to staging.sql for the DBA (sagesync migrate --print)', value: 'print' },
      { name: 'No, they exist already', value: 'skip' },
    ],
    'run',
  );
  if (how === 'run') deps.say(await runMigrate(deps, dbConfig));
  else if (how === 'print') {
    ddl = await migrateDdl(dbConfig);
    deps.say('Did not migrate: the DDL goes to staging.sql next to the configuration, for the DBA.');
  } else deps.say('Did not migrate.');

  const mailConfig = await askNotifications(deps, p, a);
  if (mailConfig.notifications.to.length > 0 && (await p.confirm('Send a test e-mail now?', true))) {
    deps.say(await sendTestEmail(mailConfig, deps.now()));
  }

  deps.say('');
  deps.say('Orders: which internal statuses may be staged for X3. Reading the orders Oro has…');
  const census = await orderCensus(deps, mailConfig);
  for (const line of formatCensus(census)) deps.say(line);
  const chosen =
    census.statuses.length === 0
      ? []
      : await p.checkbox(
          'Stage orders with these internal statuses (space toggles, Enter confirms; none or all: every order)',
          census.statuses.map((s) => ({
            name: `${s.name} (${s.id}, ${s.orders} now)`,
            value: s.id,
            checked: s.id === 'open',
          })),
        );
  const filter = chosen.length > 0 && chosen.length < census.statuses.length ? chosen : undefined;
  if (filter) setAnswer(a, 'orders.criteria', { internalStatus: filter });
  else removeAnswer(a, 'orders.criteria');
  deps.say(qualifying(census, filter));

  const secrets = await p.select('Where should the secrets go?', [
    { name: 'Files of mode 0600 next to the configuration (.sagesync/secrets/)', value: 'files' },
    { name: 'Environment variables, kept in .sagesync/secrets.env (mode 0600)', value: 'env' },
  ]);
  const scheduler = await p.select<Scheduler | 'none'>('How will it run every minute?', [
    { name: 'crontab', value: 'crontab' },
    { name: 'systemd timer', value: 'systemd' },
    { name: 'Kubernetes CronJob', value: 'kubernetes' },
    { name: 'I will schedule it myself', value: 'none' },
  ]);
  const writeSchedule =
    scheduler !== 'none' &&
    (await p.confirm('Write the scheduling file(s) next to the configuration?', false));

  const final = {
    ...o,
    force,
    secrets,
    ...(ddl ? { ddl } : {}),
    ...(scheduler !== 'none' ? { scheduler } : {}),
    writeSchedule,
  };
  // Other files of the setup (secrets, staging.sql, the units) may exist from an earlier run.
  const others = force ? [] : existingFiles(plan(a, deps, final));
  if (others.length > 0) {
    deps.say(`These files exist: ${others.join(', ')}.`);
    if (!(await p.confirm('Replace them (each old one is kept as a .bak copy)?', false))) {
      deps.say('Nothing was written.');
      return { finished: null, migrate: how };
    }
    final.force = true;
  }
  const done = await finish(a, deps, final);
  for (const line of ['', ...done.lines]) deps.say(line);
  return { finished: done, migrate: how };
}
