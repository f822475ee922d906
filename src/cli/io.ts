/** What the CLI reads and writes, injected so tests can run `main` in-process. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** A terminal's width (help is wrapped to it); 0 or absent: not known. */
  columns?: number;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** All of standard input as text (`--config -`); read once. */
  stdin?: () => Promise<string>;
}

/** More than any configuration holds: `-c - < /dev/zero` stops here rather than filling memory. */
const MAX_STDIN_BYTES = 16 * 1024 * 1024;

/** Reads `input` to its end, at most `max` bytes. */
export async function readAll(input: AsyncIterable<Buffer | string>, max = MAX_STDIN_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    length += buffer.length;
    if (length > max)
      throw new Error(`it holds more than ${max / 1024 / 1024} MiB, which no configuration does`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function processIo(): CliIo {
  let read: Promise<string> | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdin: () => (read ??= readAll(process.stdin)),
  };
}

export interface GlobalFlags {
  config?: string | undefined;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  /** `--no-color` (NO_COLOR and FORCE_COLOR are read from the environment: src/cli/colour.ts). */
  noColor?: boolean;
  /** The command being run (on every JSON log line). */
  command?: string;
}
