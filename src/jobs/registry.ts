/**
 * Job name → its function, imported lazily so that `--help` stays fast and a run that does not
 * need a job never loads its module (STYLE.md "A command is a typed function").
 */
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { streamsProvider } from '../streams/provider.js';
import type { Job, JobName } from './types.js';

type JobLoader = () => Promise<Job>;

const BUILT_IN: ReadonlyMap<JobName, JobLoader> = new Map<JobName, JobLoader>([
  ['push-orders', async () => (await import('./push-orders.js')).pushOrders],
  ['push-customers', async () => (await import('./push-customers.js')).pushCustomers],
  ['pull-credit', async () => (await import('./pull-credit.js')).pullCredit],
  ['pull-tracking', async () => (await import('./pull-tracking.js')).pullTracking],
]);

/** The four jobs of `run-all`, in the contract's order. */
export const RUN_ALL_JOBS: readonly JobName[] = [
  'push-orders',
  'push-customers',
  'pull-credit',
  'pull-tracking',
];

/**
 * EXTENSION POINT for custom streams (issue 8): a provider registered here contributes jobs named
 * `stream:<name>`: which ones run-all appends after the four built-in jobs (from the config), and
 * the function of each. Nothing else in the runner needs to change.
 */
export interface JobProvider {
  /** Jobs appended to run-all for this configuration, in order. */
  runAllJobs(config: Config): JobName[];
  /** The job's function, or undefined when this provider does not know the name. */
  load(name: JobName, config: Config): Promise<Job | undefined>;
}

const providers: JobProvider[] = [];

export function registerJobProvider(provider: JobProvider): void {
  providers.push(provider);
}

/** The jobs `run-all` runs: the built-in four, then every provider's (custom streams). */
export function runAllJobNames(config: Config): JobName[] {
  return [...RUN_ALL_JOBS, ...providers.flatMap((p) => p.runAllJobs(config))];
}

export async function loadJob(name: JobName, config: Config): Promise<Job> {
  const builtIn = BUILT_IN.get(name);
  if (builtIn) return builtIn();
  for (const p of providers) {
    const job = await p.load(name, config);
    if (job) return job;
  }
  throw new UsageError(`Unknown job "${name}".`, {
    hint: `Known jobs: ${[...BUILT_IN.keys()].join(', ')}, and stream:<name> for configured custom streams.`,
  });
}

// Custom streams (issue 8, src/streams/): `stream:<name>` for every configured stream.
registerJobProvider(streamsProvider);
