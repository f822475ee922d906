/**
 * What `npm run demo`, `npm run bench` and `npm run chaos` do with their own process:
 *
 * - `--help` (or `-h`) prints the tool's usage and exits 0, starting nothing; any other argument
 *   is a usage error (64): the tools are configured by environment variables.
 * - SIGINT, SIGTERM and SIGHUP end the tool after its cleanups: the child processes it started
 *   (sagesync runs, job and sandbox processes) are killed, a private PostgreSQL is stopped and
 *   its data removed, temp dirs are removed; then it exits with 128 + the signal's number (130
 *   for Ctrl-C, 143 for SIGTERM). A second signal exits at once. Without this, Node's default
 *   (or, for SIGTERM sent to the tool alone, the missing propagation) left the children and the
 *   private server running.
 *
 * The parts that start something register it here (trackChild, atCleanup); the registry is
 * per process, and only a tool's entry point (runTool) acts on signals.
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

type Cleanup = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();
const children = new Set<ChildProcess>();
/** Set once a signal arrived: a child started after that (by work still unwinding) is killed at once. */
let stopping = false;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs `fn` when the tool is stopped by a signal; the returned function unregisters it. */
export function atCleanup(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => void cleanups.delete(fn);
}

/** A child process killed (SIGKILL) when the tool is stopped by a signal, until it exits. */
export function trackChild<C extends ChildProcess>(child: C): C {
  if (stopping) child.kill('SIGKILL');
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface ToolOptions {
  /** `demo`, `bench`, `chaos`: the start of its messages. */
  name: string;
  /** Printed for --help; ends with a newline. */
  usage: string;
  main: () => Promise<void>;
}

/** The tool's entry point: --help, the signal cleanups, and its exit code. */
export async function runTool(o: ToolOptions): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(o.usage);
    return;
  }
  if (args.length > 0) {
    process.stderr.write(`${o.name}: unknown argument ${JSON.stringify(args[0])}.\n\n${o.usage}`);
    process.exitCode = 64;
    return;
  }
  const onSignal = (sig: (typeof SIGNALS)[number]): void => {
    const code = 128 + (constants.signals[sig] ?? 0);
    if (stopping) process.exit(code);
    stopping = true;
    process.stderr.write(`\n${o.name}: ${sig}: stopping what it started, then exiting (${code}).\n`);
    void stopAll().finally(() => process.exit(code));
  };
  for (const sig of SIGNALS) process.on(sig, onSignal);
  try {
    await o.main();
  } catch (err) {
    process.stderr.write(
      `${o.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  } finally {
    if (!stopping) for (const sig of SIGNALS) process.off(sig, onSignal);
  }
}

/** Kills the children, then runs the cleanups newest first; a failing one does not stop the rest. */
async function stopAll(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  for (const fn of [...cleanups].reverse()) {
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`  cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}
