/**
 * The last steps of `sagesync init`: write the files (src/ops/init/write-plan.ts), load the
 * written configuration with the loader every command uses, run test-connection on it and say
 * how to schedule it.
 */
import path from 'node:path';
import { loadConfigDetailed } from '../../config/load.js';
import { formatChecks, testConnection, type TestConnectionReport } from '../test-connection.js';
import { PATH_KEYS, SECRET_FILE_KEYS } from '../../config/keys.js';
import { answer, setAnswer, type Answers } from './answers.js';
import { schedule, type Scheduler } from './schedule.js';
import { checkStopped, type InitDeps } from './steps.js';
import { applyWrite, planWrite, type Applied, type SecretsMode, type WritePlan } from './write-plan.js';

export interface FinishOptions {
  configPath: string;
  secrets: SecretsMode;
  force: boolean;
  /** The DDL for the DBA, written as staging.sql next to the configuration. */
  ddl?: string;
  scheduler?: Scheduler;
  /** Write the scheduling files next to the configuration (else they are only printed). */
  writeSchedule: boolean;
}

export interface FinishReport {
  plan: WritePlan;
  applied: Applied;
  testConnection: TestConnectionReport;
  lines: string[];
}

export function plan(given: Answers, deps: InitDeps, opts: FinishOptions): WritePlan {
  const p = planWrite(relativeToFile(given, deps.cwd, path.dirname(opts.configPath)), {
    configPath: opts.configPath,
    secrets: opts.secrets,
    header: [
      `sagesync configuration written by "sagesync init" on ${deps.now().toISOString()}.`,
      'Every key, its default and its SAGESYNC_* variable: man 5 sagesync-config.',
    ],
  });
  const dir = path.dirname(opts.configPath);
  if (opts.ddl) p.files.unshift({ path: path.join(dir, 'staging.sql'), content: opts.ddl, mode: 0o644 });
  const sched = scheduleFor(p, deps, opts);
  if (sched && opts.writeSchedule) {
    p.files.unshift(
      ...sched.files.map((f) => ({ path: path.join(dir, f.name), content: f.content, mode: 0o644 })),
    );
  }
  return p;
}

/**
 * A path answered relative to the working directory, rewritten relative to the file's folder:
 * the loader resolves it against the folder of the file it is written in (src/config/load.ts).
 */
function relativeToFile(given: Answers, cwd: string, dir: string): Answers {
  const out = structuredClone(given);
  for (const key of [...PATH_KEYS, ...SECRET_FILE_KEYS.map(([, file]) => file)]) {
    const v = answer(out, key);
    if (typeof v === 'string' && !path.isAbsolute(v))
      setAnswer(out, key, path.relative(dir, path.resolve(cwd, v)) || '.');
  }
  return out;
}

function scheduleFor(p: WritePlan, deps: InitDeps, opts: FinishOptions): ReturnType<typeof schedule> | null {
  if (!opts.scheduler) return null;
  return schedule({
    scheduler: opts.scheduler,
    configPath: opts.configPath,
    node: deps.node,
    bin: deps.bin,
    secrets: p.secrets.length === 0 ? 'none' : opts.secrets,
  });
}

export async function finish(given: Answers, deps: InitDeps, opts: FinishOptions): Promise<FinishReport> {
  const p = plan(given, deps, opts);
  checkStopped(deps);
  const applied = applyWrite(p, { force: opts.force, now: deps.now(), stopped: deps.stopped });
  const lines: string[] = [`Wrote ${opts.configPath}.`];
  for (const b of applied.backups) lines.push(`Kept the previous ${b.from} as ${b.to}.`);
  for (const s of p.secrets) lines.push(`  ${s.key}: ${s.where}`);
  if (opts.ddl)
    lines.push(`Wrote the DDL for the DBA to ${path.join(path.dirname(opts.configPath), 'staging.sql')}.`);

  // The file as written, through the loader every command uses; only the secrets kept as
  // variables come from the environment, so what is tested is what cron will run.
  const loaded = await loadConfigDetailed({ configPath: opts.configPath, env: p.secretEnv(), cwd: deps.cwd });
  const report = await deps.withContext(loaded.config, (ctx) => testConnection(ctx));
  lines.push('', `sagesync test-connection --config ${opts.configPath}:`, ...formatChecks(report));

  const sched = scheduleFor(p, deps, opts);
  if (sched) {
    lines.push('', ...sched.steps);
    for (const f of sched.files) {
      if (opts.writeSchedule)
        lines.push(`  (written to ${path.join(path.dirname(opts.configPath), f.name)})`);
      else
        lines.push(
          ...f.content
            .trimEnd()
            .split('\n')
            .map((l) => `  ${l}`),
        );
    }
  } else {
    lines.push(
      '',
      `Schedule "sagesync --config ${opts.configPath} run-all" every minute (examples/crontab, examples/systemd/, examples/kubernetes/).`,
    );
  }
  return { plan: p, applied, testConnection: report, lines };
}
