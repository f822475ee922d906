/**
 * The logger (winston). Logs go to stderr: stdout carries only the command's output and `--json`
 * (../shared/contract/cli-and-config.md "Options every command takes"). Every line passes through
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
}

export type ClosableLogger = Logger & {
  readonly redactor: Redactor;
  /** The effective level after --verbose/--quiet. */
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  /** Flushes and closes the transports (the log file). */
  close(): Promise<void>;
};

const SPLAT = Symbol.for('splat');

/** winston's npm levels (the four sagesync uses): a line passes when its rank ≤ the level's. */
const RANK: Readonly<Record<ClosableLogger['level'], number>> = { error: 0, warn: 1, info: 2, debug: 5 };

// winston is CommonJS, so it can be required synchronously at the first log call.
const requireCjs = createRequire(import.meta.url);
const loadWinston = (): typeof winston => requireCjs('winston') as typeof winston;

export function createLogger(logging: Config['logging'], opts: LoggerOptions = {}): ClosableLogger {
  const redactor = opts.redactor ?? new Redactor();
  const level = opts.verbose ? 'debug' : opts.quiet ? 'warn' : logging.level;
  const target = opts.stream ?? process.stderr;
  const isTty = (target as { isTTY?: boolean }).isTTY === true;
  const stream = asStream(target);
  const pretty = !opts.json && (logging.format === 'pretty' || (logging.format === 'auto' && isTty));

  let file: winston.transports.FileTransportInstance | undefined;
  const build = (): winston.Logger => {
    const lib = loadWinston();
    const mask = lib.format((info) => {
      info.message = redactor.redact(typeof info.message === 'string' ? info.message : String(info.message));
      const meta: Record<string, unknown> = {};
      for (const key of Object.keys(info)) if (key !== 'level' && key !== 'message') meta[key] = info[key];
      Object.assign(info, redactor.redactValue(meta));
      delete (info as Record<string | symbol, unknown>)[SPLAT];
      return info;
    });
    const jsonLines = lib.format.combine(lib.format.timestamp(), lib.format.json());

    const transports: winston.transport[] = [
      new lib.transports.Stream({
        stream,
        format: pretty ? prettyFormat(lib, isTty) : jsonLines,
      }),
    ];
    if (logging.file) {
      // The file is for machines (and for grep): always JSON lines, same level as the console.
      file = new lib.transports.File({ filename: logging.file, format: jsonLines });
      transports.push(file);
    }
    return lib.createLogger({ level, format: mask(), transports, exitOnError: false });
  };
  let w: winston.Logger | undefined = logging.file ? build() : undefined;

  let closed: Promise<void> | undefined;
  const log = (lvl: ClosableLogger['level'], message: string, meta?: Record<string, unknown>): void => {
    if (closed || RANK[lvl] > RANK[level]) return;
    w ??= build();
    w.log(lvl, message, meta ?? {});
  };
  return {
    redactor,
    level,
    error: (m, meta) => log('error', m, meta),
    warn: (m, meta) => log('warn', m, meta),
    info: (m, meta) => log('info', m, meta),
    debug: (m, meta) => log('debug', m, meta),
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
        file.once('finish', () => resolve());
        file.once('error', () => resolve());
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

/** `12:03:04 warn  message key=value …`, coloured on a terminal. */
function prettyFormat(lib: typeof winston, colour: boolean): winston.Logform.Format {
  const colours: Record<string, string> = { error: '31', warn: '33', info: '36', debug: '90' };
  return lib.format.printf((info) => {
    const time = new Date().toISOString().slice(11, 19);
    const lvl = info.level.padEnd(5);
    const tag = colour ? `\u001b[${colours[info.level] ?? '0'}m${lvl}\u001b[0m` : lvl;
    const meta = Object.entries(info)
      .filter(([k]) => k !== 'level' && k !== 'message' && k !== 'timestamp')
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return [time, tag, String(info.message), ...meta].join(' ');
  });
}
