/**
 * Child process of the SIGKILL test: runs one stream through the runner (lock, sagesync_run) with
 * the config given as JSON in argv[2] and the job name in argv[3]. Prints `progress <read>
 * <written>` after each batch and the summary as one JSON line at the end.
 */
import type { Config } from '../../src/config/schema.js';
import { runJobs } from '../../src/jobs/runner.js';
import type { JobName } from '../../src/jobs/types.js';
import { createOroClient } from '../../src/oro/client.js';
import { openStore } from '../../src/staging/open-store.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const job = (process.argv[3] ?? 'stream:products') as JobName;
const store = await openStore(config);
const oro = createOroClient(config, { sleep: async () => undefined });
const summary = await runJobs(
  [job],
  {
    config,
    logger: silent,
    clock: () => new Date(),
    openStore: async () => store,
    openOro: async () => oro,
    progress: (_job, c) => process.stdout.write(`progress ${c.read} ${c.written}\n`),
  },
  { command: 'run-stream', dryRun: false },
);
process.stdout.write(`${JSON.stringify(summary)}\n`);
await oro.close();
await store.close();
