/**
 * How V8's heap is shaped for sagesync (issue 21; docs/measurements.md, "Peak RSS without Node
 * flags"). A catch-up allocates a lot that lives briefly (JSON.parse of every page), and two V8
 * defaults let RSS grow far beyond the 30 MB or so the job holds:
 *
 * - The young generation. V8 sizes it when the isolate is created, and Node 24's grows to 128 MB
 *   (two 64 MB semi-spaces), against 32 MB on Node 20 and 22: a 60,000-order push-orders peaked
 *   at 348–385 MB on Node 24. `v8.setFlagsFromString` after start-up does not change it, so where
 *   Node has `process.execve` (Node ≥ 22.15,
 *   https://nodejs.org/api/process.html#processexecvefile-args-env) `capYoungGeneration` replaces
 *   the process, same PID, same descriptors and environment, with Node started with
 *   `--max-semi-space-size=8` added. Nothing has run yet, so nothing is lost; the cost is one more
 *   Node start-up (tens of milliseconds). Node 20 has no execve and keeps its 16 MB semi-spaces.
 * - How far the old generation may grow before the next full collection: V8 lets it reach up to
 *   four times what survived the last one. `--heap-growing-percent` fixes that factor, and V8
 *   reads it each time it sets the next limit (`MemoryController::GrowingFactor` in
 *   https://github.com/nodejs/node/blob/v20.19.0/deps/v8/src/heap/heap-controller.cc), so
 *   `slowHeapGrowth` can set it at start-up on every Node: twice what survived. (1.3 times kept
 *   RSS lower still but cost about 30 % more CPU in a catch-up; docs/measurements.md.)
 *
 * A size given on Node's command line (or, for the semi-space, in NODE_OPTIONS, which does not
 * accept --heap-growing-percent) wins, and is how an operator chooses another.
 */
import { accessSync, constants } from 'node:fs';
import v8 from 'node:v8';

const SEMI_SPACE_FLAG = '--max-semi-space-size';
const SEMI_SPACE_MB = 8;
const GROWING_FLAG = '--heap-growing-percent';
const GROWING_PERCENT = 100;

type Execve = (file: string, args: readonly string[], env: NodeJS.ProcessEnv) => never;

/** The parts of `process` the tuning reads, so that a test can hand in its own. */
export interface NodeProcess {
  execPath: string;
  execArgv: readonly string[];
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  execve?: Execve;
}

/**
 * True when `flag` (with a value, or followed by one) is among `args`, in either spelling: V8's
 * flags take `_` for `-` (`--max_semi_space_size=16`), and Node passes both on.
 */
export function flagGiven(flag: string, ...args: (readonly string[])[]): boolean {
  return args.some((list) =>
    list.some((a) => {
      const name = (a.split('=', 1)[0] as string).replaceAll('_', '-');
      return name === flag;
    }),
  );
}

/** The arguments Node is restarted with, or undefined when it is not restarted. */
export function restartArgs(p: NodeProcess): string[] | undefined {
  if (typeof p.execve !== 'function') return undefined;
  const nodeOptions = (p.env.NODE_OPTIONS ?? '').split(/\s+/);
  if (flagGiven(SEMI_SPACE_FLAG, p.execArgv, nodeOptions)) return undefined;
  return [p.execPath, `${SEMI_SPACE_FLAG}=${SEMI_SPACE_MB}`, ...p.execArgv, ...p.argv.slice(1)];
}

/** True when `file` may be executed by this process (access(2) with X_OK). */
function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Restarts this process with the young generation capped (see above); returns only when it does
 * not restart. Node does not return from a failed execve(2): it prints "process.execve failed
 * with error code ..." and aborts (SIGABRT, exit 134; Node 22.23 and 24.22), so the restart is
 * only tried when Node's binary can still be executed (it may have been removed or replaced by
 * an upgrade since this process started). Otherwise the job runs without the cap; the only cost
 * is memory (docs/measurements.md). Arguments Node refuses before the call (a NUL in the
 * environment) are thrown, and caught here, with the same outcome.
 */
export function capYoungGeneration(p: NodeProcess = process, canExec = executable): void {
  const args = restartArgs(p);
  if (!args || !p.execve || !canExec(p.execPath)) return;
  try {
    p.execve(p.execPath, args, p.env);
  } catch {
    // Runs without the cap; the only cost is memory (docs/measurements.md).
  }
}

/** Sets the old generation's growing factor (see above) unless Node was given one. */
export function slowHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = v8.setFlagsFromString,
): void {
  if (!flagGiven(GROWING_FLAG, execArgv)) setFlags(`${GROWING_FLAG}=${GROWING_PERCENT}`);
}

/** Both, in that order: what `bin/sagesync` calls before it loads the CLI. */
export function tuneHeap(): void {
  capYoungGeneration();
  slowHeapGrowth();
}
