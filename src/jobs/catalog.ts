/**
 * The catalog of jobs: one entry per job, from which everything else that knows a job derives:
 * the type `JobName` (./types.ts), the runner's loader and `run-all`'s order (below), the CLI's
 * commands and their help (src/cli/program.ts, src/cli/main.ts) and `sagesync status`'s list.
 * A new job is one entry here plus its own plan and write code; a new kind of custom stream is
 * one entry of STREAM_KINDS plus its own.
 *
 * Nothing here imports a job's code: `load` does, lazily, so that `--help` stays fast and a run
 * that does not need a job never loads its module (STYLE.md "A command is a typed function").
 */
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { CREDIT_LIMIT, SHIPMENT, type TableDef } from '../staging/tables.js';
import { streamTable } from '../streams/tables.js';
import { findStream, STREAM_JOB_PREFIX, streamJobName, type StreamDef } from '../streams/types.js';
import type { Job, JobName } from './types.js';

export interface JobEntry<N extends string = JobName> {
  name: N;
  /** One line: the command list of `sagesync --help`, and (capitalised) the command's description. */
  summary: string;
  /** What the job reads and what it writes, in the command's help. */
  reads: string;
  writes: string;
  /** What `--id` selects ("Oro order ids"), or undefined when the job takes no --id. */
  ids?: string;
  /** `sagesync <name> --help`'s Examples: a command line as typed, and what it does. */
  examples: readonly (readonly [line: string, what: string])[];
  /** Its place in `run-all`: run in increasing order, before the custom streams. */
  runAll: number;
  /** The staging table whose rows the job sets to ERROR (a pull job): alert e-mails list them. */
  errorTable?: TableDef;
  /** How a terminal's spinner names the written and failed counts (default: staged, quarantined). */
  countWords?: { written: string; failed: string };
  /** The job's function; imports its module. */
  load: () => Promise<Job>;
}

/** The built-in jobs of the contract (docs/contract/cli-and-config.md "Commands"). */
export const JOBS = [
  {
    name: 'push-orders',
    summary: 'stage every new Oro order that meets orders.criteria, with its lines and addresses',
    reads: 'Oro orders changed since the last run (with line items, addresses, customer)',
    writes:
      'sagesync_order (with the billing and shipping addresses), sagesync_order_line, and first the customer snapshot in sagesync_customer; the job cursor in the same transaction',
    ids: 'Oro order ids',
    examples: [
      ['sagesync push-orders --dry-run', 'print the orders that would be staged now; write nothing'],
      [
        'sagesync push-orders --id 1042,1043 --json',
        'stage these two Oro orders now if they qualify; print the report as JSON',
      ],
    ],
    runAll: 1,
    load: async () => (await import('./push-orders.js')).pushOrders,
  },
  {
    name: 'push-customers',
    summary: 'stage customers whose watched attributes changed; learn X3 customer codes',
    reads: 'Oro customers changed since the last run; sagesync_customer rows X3 marked DONE',
    writes: 'sagesync_customer (a new snapshot per change), sagesync_customer_map (learnt codes)',
    ids: 'Oro customer ids',
    examples: [
      [
        'sagesync push-customers --dry-run',
        'print the customer snapshots that would be staged; write nothing',
      ],
      ['sagesync push-customers --id 7', 'stage customer 7 if its watched attributes changed'],
    ],
    runAll: 2,
    load: async () => (await import('./push-customers.js')).pushCustomers,
  },
  {
    name: 'pull-credit',
    summary: 'apply NEW rows of sagesync_credit_limit to the Oro customers',
    reads: 'sagesync_credit_limit rows with status NEW',
    writes: 'the Oro customer attribute oro.creditLimitField; the row status DONE or ERROR',
    ids: 'staging ids of sagesync_credit_limit rows',
    examples: [
      ['sagesync pull-credit --dry-run', 'print the credit limits that would be set in Oro; change nothing'],
      ['sagesync pull-credit --id 55 --verbose', 'apply staging row 55 only, logging every step'],
    ],
    runAll: 3,
    errorTable: CREDIT_LIMIT,
    countWords: { written: 'applied', failed: 'ERROR' },
    load: async () => (await import('./pull-credit.js')).pullCredit,
  },
  {
    name: 'pull-tracking',
    summary: 'apply NEW rows of sagesync_shipment to the Oro orders as shipping trackings',
    reads: 'sagesync_shipment rows with status NEW',
    writes: 'Oro order shipping trackings; the row status DONE or ERROR',
    ids: 'staging ids of sagesync_shipment rows',
    examples: [
      ['sagesync pull-tracking --dry-run', 'print the trackings that would be added in Oro; change nothing'],
      ['sagesync pull-tracking --id 310,311', 'apply two sagesync_shipment rows by staging id'],
    ],
    runAll: 4,
    errorTable: SHIPMENT,
    countWords: { written: 'created', failed: 'ERROR' },
    load: async () => (await import('./pull-tracking.js')).pullTracking,
  },
] as const satisfies readonly JobEntry<string>[];

export type BuiltInJobName = (typeof JOBS)[number]['name'];

type StreamKind<D> = Omit<
  JobEntry<string>,
  'name' | 'summary' | 'examples' | 'runAll' | 'load' | 'errorTable'
> & {
  load: (def: D) => Promise<Job>;
};

/**
 * The kinds of custom stream (docs/streams.md), by `direction`: each configured stream is a job
 * `stream:<name>` of its kind, run by `run-stream <name>` and by `run-all` after the built-in jobs,
 * in the order of the configuration.
 */
export const STREAM_KINDS: {
  [D in StreamDef['direction']]: StreamKind<Extract<StreamDef, { direction: D }>>;
} = {
  push: {
    reads: "the stream's Oro resource changed since the last run",
    writes: "the stream's staging table and its cursor in the same transaction",
    ids: 'Oro ids',
    load: async (def) => (await import('../streams/push-stream.js')).pushStreamJob(def),
  },
  pull: {
    reads: "its table's NEW rows",
    writes: 'Oro attributes and the row status DONE or ERROR',
    ids: 'staging ids',
    load: async (def) => (await import('../streams/pull-stream.js')).pullStreamJob(def),
  },
};

/** The catalog entry of a configured custom stream. */
function streamEntry(def: StreamDef, place: number): JobEntry {
  const kind = STREAM_KINDS[def.direction];
  return {
    name: streamJobName(def),
    summary: `the custom ${def.direction} stream ${def.name}`,
    reads: kind.reads,
    writes: kind.writes,
    ...(kind.ids !== undefined ? { ids: kind.ids } : {}),
    examples: [
      [`sagesync run-stream ${def.name} --dry-run`, 'print what the stream would write; write nothing'],
    ],
    runAll: JOBS.length + place + 1,
    ...(def.direction === 'pull' ? { errorTable: streamTable(def) } : {}),
    load: () => (def.direction === 'push' ? STREAM_KINDS.push.load(def) : STREAM_KINDS.pull.load(def)),
  };
}

/** Every job of this configuration: the built-in ones, then one per custom stream. */
export function catalog(config: Pick<Config, 'streams'>): JobEntry[] {
  return [...JOBS, ...(config.streams ?? []).map(streamEntry)];
}

/** The jobs `run-all` runs, in order. */
export function runAllJobNames(config: Pick<Config, 'streams'>): JobName[] {
  return catalog(config)
    .sort((a, b) => a.runAll - b.runAll)
    .map((e) => e.name);
}

export async function loadJob(name: JobName, config: Config): Promise<Job> {
  const builtIn = JOBS.find((j) => j.name === name);
  if (builtIn) return builtIn.load();
  const def = name.startsWith(STREAM_JOB_PREFIX) ? findStream(config, name) : undefined;
  if (def) return streamEntry(def, 0).load();
  throw new UsageError(`Unknown job "${name}".`, {
    hint: `Known jobs: ${JOBS.map((j) => j.name).join(', ')}, and stream:<name> for configured custom streams.`,
  });
}
