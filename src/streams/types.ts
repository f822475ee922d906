/** Stream definitions as the loaded configuration holds them (src/streams/config-schema.ts). */
import type { Config } from '../config/schema.js';
import type { JobName } from '../jobs/types.js';

export type StreamDef = Config['streams'][number];
export type PushStreamDef = Extract<StreamDef, { direction: 'push' }>;
export type PullStreamDef = Extract<StreamDef, { direction: 'pull' }>;

export const STREAM_JOB_PREFIX = 'stream:';

export function streamJobName(def: Pick<StreamDef, 'name'>): JobName {
  return `${STREAM_JOB_PREFIX}${def.name}`;
}

export function findStream(config: Config, name: string): StreamDef | undefined {
  const bare = name.startsWith(STREAM_JOB_PREFIX) ? name.slice(STREAM_JOB_PREFIX.length) : name;
  return config.streams.find((s) => s.name === bare);
}
