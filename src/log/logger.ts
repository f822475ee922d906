/**
 * The logger (winston). Logs go to stderr: stdout carries only the command's output and `--json`
 * (docs/contract/cli-and-config.md "Options every command takes"). Every line passes through
 * the Redactor before any transport sees it, so no transport can leak a secret.
 *
 * winston (with logform and readable-stream, about 100 ms to load) is required on the first line
 * that passes the level, or at once when `logging.file` is set (the file is opened at start as
 * before): a scheduled run with nothing to say never loads it.
 */
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type winston from 'winston';
import type { Config } from '../config/schema.js';
import { logFileStream, openLogFile } from './log-file.js';
import { Redactor } from './redact.js';
import type { Logger } from './types.js';

export interface LoggerOptions {
  verbose?: boolean;
  quiet?: boolean;
  /** Forces JSON lines (e.g. under `--json`, so stderr stays machine-readable too). */
  json?: boolean;
  /** Default: process.stderr. Anything with `write(string)` will do (the CLI's injected io). */
  stream?: NodeJS.WritableStream | { write(chunk: string): unknown; isTTY?: boolean };
  /** Masks secrets; a fresh one (generic patterns only) when not given. */
  redactor?: Redactor;
  /**
   * Fields on every JSON line (the CLI: `command`, `pid`, `host`) so that a collector can filter;
   * the pretty form leaves them out.
   */
  base?: Record<string, unknown>;
  /** Colour the pretty form (default: when the stream is a terminal; src/cli/colour.ts decides). */
  colour?: boolean;
}

export type ClosableLogger = Logger & {
  readonly redactor: Redactor;
  /** True when the console (stderr) gets JSON lines, false when it gets the pretty form. */
  readonly consoleJson: boolean;
  /** The effective level after --verbose/--quiet. */
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  /** Flushes and closes the transports (the log file). */
  close(): Promise<void>;
};

const SPLAT = Symbol.for('splat');
const LEVEL = Symbol.for('level');
const MESSAGE = Symbol.for('message');
/** Fields for collectors that the pretty form, read by a person, leaves out. */
const HIDDEN = new Set(['job', 'runId', 'command', 'pid', 'host']);

/** winston's npm levels (the four sagesync uses): a line passes when its rank ≤ the level's. */
const RANK: Readonly<Record<ClosableLogger['level'], number>> = { error: 0, warn: 1, info: 2, debug: 5 };

// winston is CommonJS, so it can be required synchronously at the first log call.
const requireCjs = createRequire(import.meta.url);
const loadWinston = (): typeof winston => requireCjs('winston') as typeof winston;

/** `logging` of the configuration; `journald` may be left out (off). */
export type LoggingSettings = Omit<Config['logging'], 'journald'> & { readonly journald?: boolean };

export function createLogger(logging: LoggingSettings, opts: LoggerOptions = {}): ClosableLogger {
  const redactor = opts.redactor ?? new Redactor();
  const level = opts.verbose ? 'debug' : opts.quiet ? 'warn' : logging.level;
  const target = opts.stream ?? process.stderr;
  const isTty = (target as { isTTY?: boolean }).isTTY === true;
  const stream = asStream(target);
  const pretty = !opts.json && (logging.format === 'pretty' || (logging.format === 'auto' && isTty));
  const colour = opts.colour ?? isTty;
  const base = opts.base ?? {};

  /** The file's transport (ends when the logger has passed it every line) and its stream. */
  let file: { transport: winston.transport; stream: Writable } | undefined;
  /** Why the log file could not be opened. */
  let openProblem: string | undefined;
  let closed: Promise<void> | undefined;
  /** Masks secrets and shapes a console line: the same steps for every transport's line. */
  const formats = (lib: typeof winston) => {
    const mask = lib.format((info) => {
      info.message = redactor.redact(typeof info.message === 'string' ? info.message : String(info.message));
      const meta: Record<string, unknown> = {};
      for (const key of Object.keys(info)) if (key !== 'level' && key !== 'message') meta[key] = info[key];
      Object.assign(info, redactor.redactValue(meta));
      delete (info as Record<string | symbol, unknown>)[SPLAT];
      return info;
    });
    const jsonLines = lib.format.combine(lib.format.timestamp(), lib.format.json());
    const lines = pretty ? prettyFormat(lib, colour, Object.keys(base)) : jsonLines;
    const consoleLines = logging.journald ? lib.format.combine(lines, journaldPrefix(lib)()) : lines;
    return { mask, jsonLines, consoleLines };
  };
  const build = (): winston.Logger => {
    const lib = loadWinston();
    const { mask, jsonLines, consoleLines } = formats(lib);
    const transports: winston.transport[] = [new lib.transports.Stream({ stream, format: consoleLines })];
    if (logging.file) {
      // The file is for machines (and for grep): always JSON lines, same level as the console.
      const logFile = logging.file;
      const opened = openLogFile(logFile);
      if ('fd' in opened) {
        const fileStream = logFileStream(opened.fd, (reason) =>
          warnFileLost(logFile, `writing it failed: ${reason}`),
        );
        file = {
          stream: fileStream,
          transport: new lib.transports.Stream({ stream: fileStream, format: jsonLines }),
        };
        transports.push(file.transport);
      } else {
        openProblem = opened.reason;
      }
    }
    return lib.createLogger({ level, format: mask(), transports, exitOnError: false });
  };
  /**
   * The log file failed (at open or at a write, maybe while closing): said once on the console,
   * written at once and not through winston, whose console transport may have ended already.
   */
  const warnFileLost = (path: string, why: string): void => {
    if (RANK.warn > RANK[level]) return;
    const lib = loadWinston();
    const { mask, consoleLines } = formats(lib);
    const message = `The log file ${path} is not written (${why}); this run logs to stderr only.`;
    const info = lib.format
      .combine(mask(), consoleLines)
      .transform({ level: 'warn', message, ...base, logFile: path, [LEVEL]: 'warn' });
    if (info) stream.write(`${String((info as Record<symbol, unknown>)[MESSAGE])}\n`);
  };
  let w: winston.Logger | undefined = logging.file ? build() : undefined;
  if (logging.file && openProblem !== undefined) warnFileLost(logging.file, openProblem);

  const log = (lvl: ClosableLogger['level'], message: string, meta?: Record<string, unknown>): void => {
    if (closed || RANK[lvl] > RANK[level]) return;
    w ??= build();
    w.log(lvl, message, { ...base, ...meta });
  };
  const withMeta = (fixed: Record<string, unknown>): Logger => ({
    error: (m, meta) => log('error', m, { ...fixed, ...meta }),
    warn: (m, meta) => log('warn', m, { ...fixed, ...meta }),
    info: (m, meta) => log('info', m, { ...fixed, ...meta }),
    debug: (m, meta) => log('debug', m, { ...fixed, ...meta }),
    child: (more) => withMeta({ ...fixed, ...more }),
  });
  return {
    redactor,
    level,
    consoleJson: !pretty,
    ...withMeta({}),
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (!w) {
          resolve(); // nothing was logged: winston was never loaded
          return;
        }
        if (!file) {
          w.close();
          resolve();
          return;
        }
        // The logger ends its transports once they have every line; then the file is closed.
        const { transport, stream } = file;
        transport.once('finish', () => {
          stream.once('finish', () => resolve());
          stream.end();
        });
        w.end();
      });
      return closed;
    },
  };
}

/** winston's Stream transport wants a real stream; the CLI's injected io may be a plain writer. */
function asStream(target: NonNullable<LoggerOptions['stream']>): NodeJS.WritableStream {
  if (target instanceof Writable || typeof (target as NodeJS.WritableStream).on === 'function') {
    return target as NodeJS.WritableStream;
  }
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      target.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
}

/**
 * sd-daemon(3): a line starting with `<N>` is logged by journald at syslog priority N (and the
 * prefix removed), so `journalctl -p warning` works (systemd.exec(5) SyslogLevelPrefix=, on by
 * default). Opt-in with `logging.journald`: elsewhere the prefix would be noise.
 */
const PRIORITY: Readonly<Record<string, number>> = { error: 3, warn: 4, info: 6, debug: 7 };
function journaldPrefix(lib: typeof winston) {
  return lib.format((info) => {
    const line = (info as Record<symbol, unknown>)[MESSAGE];
    (info as Record<symbol, unknown>)[MESSAGE] = `<${PRIORITY[info.level] ?? 6}>${String(line)}`;
    return info;
  });
}

/** `12:03:04 warn  message key=value …`, coloured on a terminal; the base fields left out. */
function prettyFormat(
  lib: typeof winston,
  colour: boolean,
  hidden: readonly string[],
): winston.Logform.Format {
  const colours: Record<string, string> = { error: '31', warn: '33', info: '36', debug: '90' };
  return lib.format.printf((info) => {
    const time = new Date().toISOString().slice(11, 19);
    const lvl = info.level.padEnd(5);
    const tag = colour ? `\u001b[${colours[info.level] ?? '0'}m${lvl}\u001b[0m` : lvl;
    const meta = Object.entries(info)
      .filter(
        ([k]) =>
          k !== 'level' && k !== 'message' && k !== 'timestamp' && !HIDDEN.has(k) && !hidden.includes(k),
      )
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return [time, tag, String(info.message), ...meta].join(' ');
  });
}
