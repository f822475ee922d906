/** A SQL Server store over the fake mssql module (fake-mssql.ts): the real driver and store code. */
import type mssql from 'mssql';
import { MssqlDriver } from '../../../src/staging/mssql/mssql-driver.js';
import { SessionWatch } from '../../../src/staging/mssql/mssql-lock.js';
import { MssqlStore } from '../../../src/staging/mssql/mssql-store.js';
import type { RetryBudgetBox } from '../../../src/staging/retry.js';
import { FakePool, fakeMssql, type FakeServer } from './fake-mssql.js';

export interface FakeStore {
  store: MssqlStore;
  pool: FakePool;
  sleeps: number[];
}

export function fakeStore(
  server: FakeServer,
  opts: {
    onSessionEnd?: (s: number) => void;
    sessionBase?: number;
    retries?: number;
    backstopMs?: number;
    /** The run's limits, as the runner sets them (setRetryBudget). */
    budget?: RetryBudgetBox;
    /** Called at each wait before a retry, after it is counted in `sleeps`. */
    onSleep?: () => void;
  } = {},
): FakeStore {
  const watch = new SessionWatch();
  const pool = new FakePool(server, { beforeConnect: watch.attach, ...opts });
  const sleeps: number[] = [];
  const driver = new MssqlDriver(fakeMssql(), pool as unknown as mssql.ConnectionPool, undefined, {
    watch,
    where: 'sql01:1433/X3',
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
    ...(opts.backstopMs !== undefined ? { backstopMs: opts.backstopMs } : {}),
    ...(opts.budget ? { budget: opts.budget } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
      opts.onSleep?.();
    },
  });
  return {
    store: new MssqlStore(driver, { schema: 'dbo', prefix: 'sagesync_' }, 'sql01:1433/X3', opts.budget),
    pool,
    sleeps,
  };
}
