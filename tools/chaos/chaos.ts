/**
 * `npm run chaos`: the real CLI under abuse, then a check of everything from both sides.
 *   1. kill -9 at random points across all four jobs and run-all (≥ 50 kills)
 *   2. ten overlapping run-all processes
 *   3. the PostgreSQL server restarted mid-run (a private instance this harness owns)
 *   4. Oro fault storms (5xx, 429/503 bursts with Retry-After, connection resets, short tokens)
 *   5. a hostile Oro (hostile-phase.ts): garbage timestamps and ids, slow bytes, endless
 *      links.next, 200s that are not JSON:API; each run must end 0, 1 or 69 (69 when a bad
 *      answer reached it), never 70, never hang
 *   6. settle: run-all and X3 passes until nothing is left, then verify (verify.ts)
 * Targets: 0 lost, 0 duplicated; exits 1 when a target fails. Bounded by CHAOS_MINUTES (default 6): the kill storm
 * stops early when time runs out (and then reports fewer kills).
 * Environment: CHAOS_SEED, CHAOS_KILLS (default 60), CHAOS_ORDERS (default 1500).
 */
import { runTool } from '../common/tool-process.js';
import { renderTable } from '../demo/table.js';
import { JOBS, randomKill, runOnce, Tally } from './runs.js';
import { verify } from './verify.js';
import { hostilePhase, type HostileTally } from './hostile-phase.js';
import { createRng } from '../sandbox/random.js';
import { addWork, createWorld, x3Turn, type World } from './world.js';

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const env = (k: string, d: number): number =>
  Number.isFinite(Number(process.env[k])) && process.env[k] ? Number(process.env[k]) : d;
const secs = (since: number): string => `${((performance.now() - since) / 1000).toFixed(0)} s`;

async function killStorm(
  w: World,
  tally: Tally,
  rng: () => number,
  target: number,
  deadline: number,
): Promise<void> {
  // Three workers at a time, so kills also land while another process holds a lock.
  const worker = async (): Promise<void> => {
    let i = 0;
    while (tally.totalKills < target && performance.now() < deadline) {
      if (i++ % 3 === 0) await addWork(w, rng, 15);
      const command = JOBS[Math.floor(rng() * JOBS.length)] ?? 'run-all';
      await runOnce(command, w.configFile, w.sandbox, tally, randomKill(rng));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}

async function overlapping(w: World, tally: Tally, rng: () => number): Promise<string> {
  const before = tally.skippedLocked;
  const exits: string[] = [];
  for (let round = 0; round < 1; round++) {
    await addWork(w, rng, 60);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => runOnce('run-all', w.configFile, w.sandbox, tally)),
    );
    exits.push(...results.map((r) => String(r.code)));
  }
  return `10 run-all at once: exit codes ${summarise(exits)}; ${tally.skippedLocked - before} job runs skipped on a held lock`;
}

async function restarts(w: World, tally: Tally, rng: () => number): Promise<string> {
  if (!w.pg) return 'skipped: no private PostgreSQL (the shared server is never restarted)';
  const pg = w.pg;
  const exits: string[] = [];
  for (let round = 0; round < 2; round++) {
    await addWork(w, rng, 80);
    const start = w.sandbox.requests.length;
    const runs = Array.from({ length: 3 }, () => runOnce('run-all', w.configFile, w.sandbox, tally));
    // Restart once the runs are visibly at work (they talk to Oro only with the database open).
    const until = performance.now() + 15_000;
    while (w.sandbox.requests.length - start < 4 && performance.now() < until) await sleep(5);
    await sleep(Math.floor(rng() * 400));
    pg.restart(round % 2 === 0 ? 'immediate' : 'fast');
    exits.push(...(await Promise.all(runs)).map((r) => String(r.code)));
  }
  return `2 restarts under 6 run-all: exit codes ${summarise(exits)}`;
}

async function faultStorm(w: World, tally: Tally, rng: () => number): Promise<string> {
  const before = w.sandbox.requests.length;
  w.sandbox.setFaults({
    errorRate: { 500: 0.08, 502: 0.04, 503: 0.04, 429: 0.04 },
    retryAfterSeconds: 1,
    resetRate: 0.03,
    latencyMs: 3,
    tokenLifetimeSeconds: 2,
    burst429: { count: 25, retryAfterSeconds: 1 },
  });
  const exits: string[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      await addWork(w, rng, 30);
      const killer = round % 2 === 1 ? randomKill(rng) : undefined;
      const [a, b] = await Promise.all([
        runOnce('run-all', w.configFile, w.sandbox, tally, killer, 90_000),
        runOnce('pull-tracking', w.configFile, w.sandbox, tally, undefined, 90_000),
      ]);
      exits.push(String(a.signal ?? a.code), String(b.signal ? 'timed out' : b.code));
    }
  } finally {
    w.sandbox.setFaults({});
  }
  const injected = w.sandbox.requests.slice(before).filter((r) => r.status >= 429 || r.status === 0).length;
  return `6 runs under faults: exit codes ${summarise(exits)}; ${injected} requests answered with a fault`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Milliseconds until the first open quarantine entry of a record with a staging id is due. */
async function quarantineDueInMs(w: World): Promise<number> {
  const [row] = await w.store.query(
    `SELECT EXTRACT(EPOCH FROM MIN(next_attempt_at) - now()) * 1000 AS ms FROM ${w.store.tableName('quarantine')} ` +
      `WHERE resolved_at IS NULL AND entity_id ~ '^[1-9][0-9]{0,17}$'`,
  );
  return Math.max(0, Math.ceil(Number(row?.ms ?? 0)));
}

function summarise(values: string[]): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([k, n]) => `${k}×${n}`).join(', ');
}

async function hostile(w: World, tally: Tally, rng: () => number): Promise<[string, HostileTally]> {
  const h = await hostilePhase(w, tally, rng);
  const served = [...h.served].map(([k, n]) => `${k} ${n}`).join(', ');
  const text =
    `${h.runs} runs behind a hostile Oro: exit codes ${summarise(h.exits)}; ` +
    `${[...h.served.values()].reduce((a, b) => a + b, 0)} hostile answers served (${served}); ` +
    `${h.wrong.length} ended 70, hung or hid a bad answer`;
  return [text, h];
}

async function settle(w: World, tally: Tally, rng: () => number): Promise<number> {
  let waited = 0;
  for (let i = 1; i <= 8; i++) {
    await x3Turn(w, rng, 0);
    // Records quarantined under the hostile Oro are read again once their backoff (1 min) is
    // over, as the next cron minute would: wait for it rather than call the world not quiet.
    const due = await quarantineDueInMs(w);
    if (due > 0 && waited < 180_000) {
      await sleep(due + 500);
      waited += due + 500;
    }
    await runOnce('run-all', w.configFile, w.sandbox, tally);
    const [open] = await w.store.query(
      `SELECT (SELECT COUNT(*) FROM ${w.store.tableName('credit_limit')} WHERE status = 'NEW') + ` +
        `(SELECT COUNT(*) FROM ${w.store.tableName('shipment')} WHERE status = 'NEW') + ` +
        `(SELECT COUNT(*) FROM ${w.store.tableName('order')} WHERE status = 'NEW') AS n`,
    );
    const staged = await w.store.query(`SELECT COUNT(*) AS n FROM ${w.store.tableName('order')}`);
    if (Number(open?.n) === 0 && Number(staged[0]?.n) >= w.sandbox.all('orders').length) return i;
  }
  return -1;
}

async function main(): Promise<void> {
  const started = performance.now();
  const seed = env('CHAOS_SEED', Date.now() % 100_000);
  const deadline = started + env('CHAOS_MINUTES', 6) * 60_000;
  const rng = createRng(seed);
  const tally = new Tally();
  const targetKills = env('CHAOS_KILLS', 60);
  log(`sagesync chaos — seed ${seed}, Node ${process.version}`);
  const w = await createWorld({ orders: env('CHAOS_ORDERS', 1500), customers: 150, seed });
  let failed = false;
  try {
    log(`staging: ${w.backend}; Oro sandbox ${w.sandbox.url} with ${w.sandbox.all('orders').length} orders`);
    const phases: [string, string][] = [];
    let t = performance.now();
    // Leave room for the other phases and the settle (200 s; half the time when it is short).
    await killStorm(w, tally, rng, targetKills, deadline - Math.min(200_000, (deadline - started) / 2));
    phases.push(['kill -9 storm', `${tally.totalKills} kills in ${tally.runs} runs (${secs(t)})`]);
    log(`1. ${phases[0]?.[1]}`);
    t = performance.now();
    phases.push(['overlapping run-all', `${await overlapping(w, tally, rng)} (${secs(t)})`]);
    log(`2. ${phases[1]?.[1]}`);
    t = performance.now();
    phases.push(['PostgreSQL restarts', `${await restarts(w, tally, rng)} (${secs(t)})`]);
    log(`3. ${phases[2]?.[1]}`);
    t = performance.now();
    phases.push(['Oro fault storm', `${await faultStorm(w, tally, rng)} (${secs(t)})`]);
    log(`4. ${phases[3]?.[1]}`);
    t = performance.now();
    const [hostileText, hostileTally] = await hostile(w, tally, rng);
    phases.push(['hostile Oro', `${hostileText} (${secs(t)})`]);
    log(`5. ${phases[4]?.[1]}`);
    for (const n of hostileTally.rounds) log(`   ${n}`);
    for (const n of hostileTally.wrong) log(`   wrong: ${n}`);
    t = performance.now();
    const passes = await settle(w, tally, rng);
    phases.push([
      'settle',
      passes > 0 ? `quiet after ${passes} run-all (${secs(t)})` : `NOT quiet after 8 run-all (${secs(t)})`,
    ]);
    log(`6. ${phases[5]?.[1]}`);

    const checks = await verify(w.store, w.sandbox, w.config.oro.creditLimitField);
    log(
      `\nKills per command: ${[...tally.kills].map(([k, n]) => `${k} ${n}`).join(', ')} (total ${tally.totalKills})`,
    );
    log(
      `Runs: ${tally.runs} (${tally.totalKills} killed; others: ${summarise([...tally.exits].flatMap(([k, n]) => Array(n).fill(k)))})`,
    );
    for (const n of tally.notes) log(`  note: ${n}`);
    log(
      `\n${renderTable(
        ['check', 'expected', 'found', 'lost', 'duplicated', 'detail'],
        checks.map((c) => [c.check, c.expected, c.found, c.lost, c.duplicated, c.detail]),
      )}`,
    );
    const lost = checks.reduce((a, c) => a + c.lost, 0);
    const dup = checks.reduce((a, c) => a + c.duplicated, 0);
    const rows: [string, string, string, boolean][] = [
      ['kills', String(tally.totalKills), '≥ 50', tally.totalKills >= 50],
      [
        'hostile runs ending 70, hung or not 69',
        String(hostileTally.wrong.length),
        '0',
        hostileTally.wrong.length === 0,
      ],
      ['lost', String(lost), '0', lost === 0],
      ['duplicated', String(dup), '0', dup === 0],
      ['quiet at the end', passes > 0 ? 'yes' : 'no', 'yes', passes > 0],
    ];
    log(
      `\n${renderTable(
        ['target', 'value', 'wanted', 'result'],
        rows.map(([a, b, c, ok]) => [a, b, c, ok ? 'pass' : 'FAIL']),
      )}`,
    );
    failed = rows.some((r) => !r[3]);
    if (tally.unexpected > 0) {
      log(
        `\nFinding: ${tally.unexpected} unkilled run(s) ended with an exit code other than 0, 1 or 69 ` +
          '(the contract wants 69 when the database or Oro is unavailable); see the notes above.',
      );
    }
    log(
      `\nChaos ${failed ? 'FAILED' : 'passed'} in ${secs(started)} (seed ${seed}; rerun with CHAOS_SEED=${seed}).`,
    );
  } finally {
    await w.close();
  }
  if (failed) process.exitCode = 1;
}

const USAGE = `Usage: [VARIABLE=value …] npm run chaos [-- --help]
  The real CLI under abuse (kill -9 storms, overlapping runs, PostgreSQL restarts, Oro fault
  storms, a hostile Oro), then a check that nothing was lost or duplicated; exits 1 when a
  target fails. As root it starts its own PostgreSQL 15, else it needs SAGESYNC_TEST_PG_URL
  (no restarts).
    CHAOS_SEED      replay a run (printed at the start and the end)
    CHAOS_MINUTES   time bound (default 6)
    CHAOS_KILLS     kills aimed at (default 60)
    CHAOS_ORDERS    orders in the sandbox (default 1500)
  Ctrl-C (or SIGTERM) stops it, its sagesync runs and its PostgreSQL. See docs/demo-bench-chaos.md.
`;

void runTool({ name: 'chaos', usage: USAGE, main });
