/**
 * The steady state (issue 21): what a `run-all` costs Oro when nothing changed, and when ten
 * orders arrived, counted at the sandbox (requests, not time). The store holds 2,000 orders that
 * all changed within the overlap window (`oro.overlapSeconds`), the case where re-reading the
 * window in full used to cost 46 GETs a minute. The built CLI runs `run-all` as cron does.
 * Used by `npm run bench` (section f) and by test/jobs/steady-state.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { startSandbox } from '../sandbox/index.js';
import type { RecordedRequest } from '../sandbox/types.js';
import { describeExit, runCli, tempDir, writeConfig } from '../demo/harness.js';

const CLIENT = { clientId: 'steady', clientSecret: 'steady-secret' };

export interface SteadyCounts {
  /** Requests of the first (catch-up) run. */
  catchUpRequests: number;
  /** Oro API GETs of an idle run-all (the token request not counted). */
  idleGets: number;
  /** Of those, GETs of orders (push-orders' listing). */
  idleOrderGets: number;
  idlePaths: string[];
  /** Requests for orders of a run-all after ten new orders arrived. */
  newOrderRequests: number;
  newGets: number;
}

export async function steadyState(o: {
  staging: Record<string, unknown>;
  orders?: number;
  log?: (line: string) => void;
}): Promise<SteadyCounts> {
  const n = o.orders ?? 2000;
  // Every order changed in the last 40 minutes; the overlap window is an hour.
  const start = new Date(Date.now() - 40 * 60_000).toISOString();
  const sandbox = await startSandbox({
    clients: [CLIENT],
    seed: { orders: n, customers: 100, linesPerOrder: [1, 5], sameUpdatedAt: n, start, seed: 21 },
  });
  const tmp = tempDir('steady');
  try {
    const cfg = writeConfig(tmp.dir, {
      oroUrl: sandbox.url,
      ...CLIENT,
      staging: o.staging,
      extra: { runAll: { maxDurationSeconds: 600 } },
    });
    const file = JSON.parse(readFileSync(cfg, 'utf8')) as Record<string, object>;
    file['oro'] = { ...file['oro'], overlapSeconds: 3600 };
    writeFileSync(cfg, JSON.stringify(file));
    const run = async (what: string): Promise<RecordedRequest[]> => {
      const from = sandbox.requests.length;
      const r = await runCli(['run-all', '-c', cfg, '--json']);
      if (r.code !== 0 && r.code !== 1) throw new Error(`sagesync run-all (${what}): ${describeExit(r)}`);
      return sandbox.requests.slice(from).filter((q) => q.path !== '/oauth2-token');
    };
    const mig = await runCli(['migrate', '-c', cfg]);
    if (mig.code !== 0) throw new Error(`sagesync migrate: ${describeExit(mig)}`);
    const catchUp = await run('catch-up');
    const idle = (await run('idle')).filter((q) => q.method === 'GET');
    for (let i = 0; i < 10; i++) sandbox.addOrder({ lines: 3 });
    const after = await run('ten new orders');
    const counts: SteadyCounts = {
      catchUpRequests: catchUp.length,
      idleGets: idle.length,
      idleOrderGets: idle.filter((q) => /\/orders(\/|$)/.test(q.path)).length,
      idlePaths: idle.map((q) => `${q.path}?${decodeURIComponent(q.query)}`),
      newOrderRequests: after.filter((q) => /\/orders(\/|$)/.test(q.path)).length,
      newGets: after.filter((q) => q.method === 'GET').length,
    };
    o.log?.(
      `  catch-up run: ${catchUp.length} requests; idle run-all: ${counts.idleGets} GETs; ` +
        `after 10 new orders: ${counts.newOrderRequests} order requests (${counts.newGets} GETs in all)`,
    );
    for (const p of counts.idlePaths) o.log?.(`    idle: GET ${p}`);
    return counts;
  } finally {
    tmp.remove();
    await sandbox.close();
  }
}
