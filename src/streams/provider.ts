/**
 * Custom streams as jobs of the registry's provider extension point (src/jobs/registry.ts):
 * `stream:<name>` for each configured stream, appended to run-all after the built-in jobs in the
 * order of the configuration. The job modules are imported only when a stream runs.
 */
import type { JobProvider } from '../jobs/registry.js';
import type { Job } from '../jobs/types.js';
import { findStream, STREAM_JOB_PREFIX, streamJobName } from './types.js';

export const streamsProvider: JobProvider = {
  runAllJobs: (config) => (config.streams ?? []).map(streamJobName),
  async load(name, config): Promise<Job | undefined> {
    if (!name.startsWith(STREAM_JOB_PREFIX)) return undefined;
    const def = findStream(config, name);
    if (!def) return undefined;
    if (def.direction === 'push') return (await import('./push-stream.js')).pushStreamJob(def);
    return (await import('./pull-stream.js')).pullStreamJob(def);
  },
};
