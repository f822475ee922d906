/** What the CLI reads and writes, injected so tests can run `main` in-process. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
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
