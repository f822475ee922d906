/**
 * Runs of the real CLI for the chaos harness, with SIGKILL at random points: after a random
 * delay, or after the process made a random number of Oro requests (so kills land inside the
 * work, e.g. between Oro's 201 and the row update), and a tally of what happened.
 */
import { startCli, parseJsonOutput, type CliResult } from '../demo/harness.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Rng } from './world.js';

export const JOBS = ['push-orders', 'push-customers', 'pull-credit', 'pull-tracking', 'run-all'] as const;
export type Command = (typeof JOBS)[number];

export class Tally {
  kills = new Map<string, number>();
  runs = 0;
  exits = new Map<string, number>();
  skippedLocked = 0;
  /** Runs that ended other than 0, 1 or 69 (the contract's codes for what chaos does), unkilled. */
  unexpected = 0;
  notes: string[] = [];

  get totalKills(): number {
    return [...this.kills.values()].reduce((a, b) => a + b, 0);
  }

  record(command: string, r: CliResult, killed: boolean): void {
    this.runs += 1;
    if (killed && r.signal === 'SIGKILL') {
      this.kills.set(command, (this.kills.get(command) ?? 0) + 1);
      return;
    }
    const key = r.signal ? `timed out (${command})` : `exit ${r.code}`;
    this.exits.set(key, (this.exits.get(key) ?? 0) + 1);
    const s = parseJsonOutput<RunSummary>(r.stdout);
    this.skippedLocked += s?.jobs?.filter((j) => j.outcome === 'skipped-locked').length ?? 0;
    if (r.code !== 0 && r.code !== 1 && r.code !== 69 && this.notes.length < 20) {
      this.notes.push(
        `${command}: exit ${r.code}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 300)}`,
      );
    }
  }
}

export interface KillPlan {
  /** Kill after this many ms … */
  afterMs?: number;
  /** … or once the sandbox has received this many more requests. */
  afterRequests?: number;
}

export function randomKill(rng: Rng): KillPlan {
  return rng() < 0.5
    ? { afterMs: 300 + Math.floor(rng() * 4000) }
    : { afterRequests: 1 + Math.floor(rng() * 40), afterMs: 15_000 };
}

/** Runs one CLI command; kills it per `plan` (none: waits for it). Returns whether it was killed. */
export async function runOnce(
  command: Command,
  configFile: string,
  sandbox: Sandbox,
  tally: Tally,
  plan?: KillPlan,
  timeoutMs = 120_000,
): Promise<CliResult> {
  const run = startCli([command, '-c', configFile, '--json'], { timeoutMs });
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  if (plan) {
    const kill = (): void => {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        killed = run.child.kill('SIGKILL');
      }
    };
    if (plan.afterMs !== undefined) timer = setTimeout(kill, plan.afterMs);
    if (plan.afterRequests !== undefined) {
      const start = sandbox.requests.length;
      const n = plan.afterRequests;
      poll = setInterval(() => {
        if (sandbox.requests.length - start >= n) kill();
      }, 2);
    }
  }
  const r = await run.done;
  clearTimeout(timer);
  clearInterval(poll);
  tally.record(command, r, killed);
  return r;
}
