/**
 * What `sagesync init` writes, decided before anything is written (plan), then written in one
 * short step (apply): every file first goes to a private folder next to its place, then the
 * secrets, and last the configuration file, are renamed into place. An existing file is copied to
 * a backup first and is only replaced with `--force`. Nothing failed or interrupted is left
 * half-written: the private folder is removed, and a Ctrl-C cannot land between two renames.
 * Signals are the CLI's (src/index.ts handles SIGINT, SIGTERM and SIGHUP for every command and
 * tells the command through its stop signal): its handlers run between turns of the event
 * loop, and the renames below run without one, so a Ctrl-C during them is acted on once they
 * are done. A stop that arrived before is honoured (`stopped`): then nothing is written.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { envName } from '../../config/keys.js';
import { answer, removeAnswer, setAnswer, type Answers } from './answers.js';
import { PromptInterrupted } from './prompter.js';
import { renderYaml } from './render-yaml.js';

export type SecretsMode = 'files' | 'env';

interface PlannedFile {
  path: string;
  content: string;
  mode: number;
}

export interface WritePlan {
  configPath: string;
  files: PlannedFile[];
  /** `SAGESYNC_*` variables written to the environment file (secrets mode `env`). */
  envFile?: { path: string; variables: string[] };
  /** Secret keys and where each one went (a file, or a variable). */
  secrets: { key: string; where: string }[];
  /** The variables of the environment file with their values (not part of any report). */
  readonly secretEnv: () => Record<string, string>;
}

/** Secret key → the file name under .sagesync/secrets/. */
const SECRET_FILES: readonly [string, string, string][] = [
  ['oro.clientSecret', 'oro.clientSecretFile', 'oro-client-secret'],
  ['staging.password', 'staging.passwordFile', 'staging-password'],
  ['staging.sshTunnel.passphrase', 'staging.sshTunnel.passphraseFile', 'ssh-passphrase'],
  ['notifications.smtp.password', 'notifications.smtp.passwordFile', 'smtp-password'],
];

export const SECRETS_DIR = path.join('.sagesync', 'secrets');
export const ENV_FILE = path.join('.sagesync', 'secrets.env');

/** A password inside staging.url is a secret too: it moves to staging.password. */
function splitUrlPassword(answers: Answers): void {
  const url = answer(answers, 'staging.url');
  if (typeof url !== 'string') return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (!parsed.password) return;
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  setAnswer(answers, 'staging.url', parsed.toString());
  if (
    answer(answers, 'staging.password') === undefined &&
    answer(answers, 'staging.passwordFile') === undefined
  )
    setAnswer(answers, 'staging.password', password);
}

export function planWrite(
  given: Answers,
  opts: { configPath: string; secrets: SecretsMode; header: readonly string[] },
): WritePlan {
  const answers = structuredClone(given);
  splitUrlPassword(answers);
  const dir = path.dirname(opts.configPath);
  const files: PlannedFile[] = [];
  const secrets: WritePlan['secrets'] = [];
  const envLines: string[] = [];
  const envValues: Record<string, string> = {};
  for (const [valueKey, fileKey, name] of SECRET_FILES) {
    const value = answer(answers, valueKey);
    if (typeof value !== 'string') continue;
    removeAnswer(answers, valueKey);
    if (opts.secrets === 'files') {
      const relative = path.join(SECRETS_DIR, name);
      setAnswer(answers, fileKey, relative);
      files.push({ path: path.join(dir, relative), content: `${value}\n`, mode: 0o600 });
      secrets.push({ key: valueKey, where: path.join(dir, relative) });
    } else {
      const variable = envName(valueKey.split('.'));
      // Single quotes: the shell (`set -a; . file`), systemd's EnvironmentFile= and
      // `kubectl create secret --from-env-file` all take the text between them as it is.
      if (/['\n\r]/.test(value)) {
        throw new ConfigError([
          {
            path: valueKey,
            source: 'answer',
            message:
              'contains a single quote or a line break, which an environment file cannot hold as it is; keep the secrets in files instead (--secrets files)',
          },
        ]);
      }
      envLines.push(`${variable}='${value}'`);
      envValues[variable] = value;
      secrets.push({ key: valueKey, where: `$${variable}` });
    }
  }
  const envPath = path.join(dir, ENV_FILE);
  if (envLines.length > 0) {
    files.push({
      path: envPath,
      content: `# Secrets of ${path.basename(opts.configPath)}, written by sagesync init. Keep this file private (mode 0600).\n${envLines.join('\n')}\n`,
      mode: 0o600,
    });
  }
  const header = [...opts.header];
  if (secrets.length > 0) {
    header.push(
      opts.secrets === 'files'
        ? `The secrets are in ${SECRETS_DIR}/ (mode 0600), never in this file.`
        : `The secrets are environment variables, kept in ${ENV_FILE} (mode 0600): load it before each run.`,
    );
  }
  // The configuration file last: it is what makes the setup exist.
  files.push({ path: opts.configPath, content: renderYaml(answers, header), mode: 0o644 });
  return {
    configPath: opts.configPath,
    files,
    secrets,
    secretEnv: () => ({ ...envValues }),
    ...(envLines.length > 0
      ? { envFile: { path: envPath, variables: envLines.map((l) => l.split('=')[0] ?? '') } }
      : {}),
  };
}

/** Files of the plan that exist already. */
export function existingFiles(plan: WritePlan): string[] {
  return plan.files.map((f) => f.path).filter((p) => existsSync(p));
}

/** Exit 78 naming each file that exists, when there is one: nothing is replaced without --force. */
export function refuseExisting(existing: readonly string[]): void {
  if (existing.length === 0) return;
  throw new ConfigError(
    existing.map((p) => ({ path: '(file)', source: p, message: 'exists already; nothing was written' })),
    { hint: 'Run sagesync init again with --force to replace it (the old file is kept as a .bak copy).' },
  );
}

export interface Applied {
  written: string[];
  backups: { from: string; to: string }[];
}

/**
 * Writes the plan. `force` must be true when a planned file exists; each one is copied to
 * `<name>.<timestamp>.bak` before it is replaced. Throws PromptInterrupted, writing nothing,
 * when `stopped()` says the process was asked to stop.
 */
export function applyWrite(
  plan: WritePlan,
  opts: { force: boolean; now: Date; stopped?: () => boolean },
): Applied {
  if (!opts.force) refuseExisting(existingFiles(plan));
  const dir = path.dirname(plan.configPath);
  mkdirSync(dir, { recursive: true });
  const temp = mkdtempSync(path.join(dir, '.sagesync-init-'));
  try {
    const staged = plan.files.map((f, i) => {
      const p = path.join(temp, String(i));
      writeFileSync(p, f.content, { mode: f.mode, flag: 'wx' });
      // The umask may have narrowed the mode; a secret must be exactly 0600.
      chmodSync(p, f.mode);
      return { from: p, to: f.path };
    });
    // The last moment to stop with nothing written. From here the renames run without a turn
    // of the event loop: a Ctrl-C waits for them (a half-renamed set is worse than a finished one).
    if (opts.stopped?.()) throw new PromptInterrupted();
    const stamp = opts.now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const backups: Applied['backups'] = [];
    const placed: string[] = [];
    try {
      for (const s of staged) {
        if (existsSync(s.to)) {
          const to = `${s.to}.${stamp}.bak`;
          copyFileSync(s.to, to);
          backups.push({ from: s.to, to });
        }
        mkdirSync(path.dirname(s.to), { recursive: true, mode: 0o700 });
        renameSync(s.from, s.to);
        placed.push(s.to);
      }
    } catch (err) {
      rollBack(placed, backups);
      throw err;
    }
    return { written: staged.map((s) => s.to), backups };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** A rename failed: the files placed so far are removed, or put back from their backups. */
function rollBack(placed: readonly string[], backups: Applied['backups']): void {
  for (const file of placed) {
    const backup = backups.find((b) => b.from === file);
    try {
      if (backup) renameSync(backup.to, file);
      else rmSync(file, { force: true });
    } catch {
      // Best effort: the error that stopped the write is the one reported.
    }
  }
  for (const b of backups) if (!placed.includes(b.from)) rmSync(b.to, { force: true });
}
