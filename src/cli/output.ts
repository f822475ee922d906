/**
 * What the CLI prints. stdout carries the command's result (human lines, or exactly one JSON
 * object under --json); stderr carries problems and logs. Errors are one or two plain sentences
 * and the hint; --verbose adds the cause chain (STYLE.md "Errors a user sees").
 */
import { hostname } from 'node:os';
import { CommanderError } from 'commander';
import { ConfigError, SagesyncError } from '../errors.js';
import { appendLogLine } from '../log/log-file.js';
import { exitCodeForError, kindOf } from './exit.js';
import type { CliIo, GlobalFlags } from './io.js';

export interface CommandResult {
  exitCode: number;
  /** The report printed under --json. */
  report: unknown;
  /** Human lines for stdout (not under --json or --quiet). */
  lines: string[];
  /** Problem lines for stderr (not under --json: the report carries them). */
  problems: string[];
}

type Redact = (text: string) => string;

/** The fields on every JSON log line, so that a collector can filter (issue 20). */
export function logBase(command: string | undefined): Record<string, unknown> {
  return { command: command ?? null, pid: process.pid, host: hostname() };
}

export class Output {
  private redact: Redact = (t) => t;
  /**
   * Problems on stderr as JSON lines (like the log) or plain text: one format per stream. Until
   * the configuration says otherwise (logging.format), JSON when stderr is not a terminal.
   */
  private stderrJson: boolean;

  constructor(
    private readonly io: CliIo,
    private readonly flags: GlobalFlags,
  ) {
    this.stderrJson = flags.json || io.stderr.isTTY !== true;
  }

  /** Masks configured secrets in everything printed from now on (src/log/redact.ts). */
  setRedactor(redact: Redact): void {
    this.redact = redact;
  }

  /** The console log's format, once the configuration is loaded (src/cli/runtime.ts). */
  setStderrJson(json: boolean): void {
    this.stderrJson = json;
  }

  /** Plain problem lines, or one JSON line each when stderr carries JSON lines. */
  private problem(text: string, fields: Record<string, unknown> = {}): void {
    if (!this.stderrJson) {
      this.io.stderr.write(`${this.redact(text)}\n`);
      return;
    }
    const line = { level: 'error', message: text, ...logBase(this.flags.command), ...fields };
    this.io.stderr.write(
      `${this.redact(JSON.stringify({ ...line, timestamp: new Date().toISOString() }))}\n`,
    );
  }

  get isTTY(): boolean {
    return this.io.stdout.isTTY === true;
  }

  result(command: string, result: CommandResult): void {
    if (this.flags.json) {
      this.json({ command, ok: result.exitCode === 0, exitCode: result.exitCode, result: result.report });
      return;
    }
    if (!this.flags.quiet) for (const line of result.lines) this.io.stdout.write(`${this.redact(line)}\n`);
    for (const line of result.problems) this.problem(line);
  }

  error(command: string | undefined, err: unknown): number {
    const exitCode = exitCodeForError(err);
    if (err instanceof CommanderError && exitCode === 0) return exitCode;
    if (err instanceof ConfigError && err.logFile) this.toLogFile(err.logFile, command, exitCode, err);
    if (this.flags.json) {
      this.json({ command: command ?? null, ok: false, exitCode, error: this.errorObject(err) });
      return exitCode;
    }
    // commander has printed its own usage message to stderr already.
    if (err instanceof CommanderError) return exitCode;
    if (this.stderrJson) {
      this.problem(err instanceof Error ? err.message : String(err), {
        exitCode,
        error: this.errorObject(err),
      });
      return exitCode;
    }
    const prefix = command ? `sagesync ${command}` : 'sagesync';
    this.io.stderr.write(`${this.redact(`${prefix}: ${this.describe(err)}`)}\n`);
    if (this.flags.verbose) {
      for (const line of causeChain(err)) this.io.stderr.write(`${this.redact(line)}\n`);
    } else if (kindOf(err) === 'internal' || (err instanceof Error && err.cause !== undefined)) {
      this.io.stderr.write('(run again with --verbose for the details)\n');
    }
    return exitCode;
  }

  /**
   * A configuration error never reaches a logger (there is no valid configuration to build one
   * from): when the file names a log file, the error is appended there as a JSON line, so that a
   * scheduled run's exit 78 is in the log it writes to (issue 20).
   */
  private toLogFile(file: string, command: string | undefined, exitCode: number, err: ConfigError): void {
    const line = {
      level: 'error',
      message: err.message,
      ...logBase(command),
      exitCode,
      error: this.errorObject(err),
      timestamp: new Date().toISOString(),
    };
    // Opened as the logger opens it (no link followed, 0600); when it cannot be, stderr still says it.
    appendLogLine(file, `${this.redact(JSON.stringify(line))}\n`);
  }

  private describe(err: unknown): string {
    if (err instanceof SagesyncError) return err.hint ? `${err.message}\n${err.hint}` : err.message;
    const message = err instanceof Error ? err.message : String(err);
    return `internal error: ${message}\nThis is a bug in sagesync: please report it with the output of the same command run with --verbose.`;
  }

  private errorObject(err: unknown): Record<string, unknown> {
    const kind = kindOf(err);
    const message = this.redact(err instanceof Error ? err.message : String(err));
    const out: Record<string, unknown> = { kind, message };
    if (err instanceof SagesyncError && err.hint) out.hint = this.redact(err.hint);
    if (kind === 'internal')
      out.hint =
        'This is a bug in sagesync: please report it with the output of the same command run with --verbose.';
    if (err instanceof ConfigError) out.problems = err.problems;
    if (this.flags.verbose) out.causes = causeChain(err).map((l) => this.redact(l.trim()));
    return out;
  }

  private json(value: unknown): void {
    this.io.stdout.write(`${this.redact(JSON.stringify(value))}\n`);
  }
}

/** `caused by: …` lines, and the stack of an unexpected error (a bug). */
function causeChain(err: unknown): string[] {
  const lines: string[] = [];
  if (kindOf(err) === 'internal' && err instanceof Error && err.stack) lines.push(err.stack);
  let cause = err instanceof Error ? err.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 10; depth++) {
    const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    lines.push(`  caused by: ${text}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return lines;
}
