/**
 * What every job test bench starts from (pull-env.ts, push-env.ts): a real Oro sandbox on a free
 * port, a real staging store (PGlite always, PostgreSQL when SAGESYNC_TEST_PG_URL is set) in its
 * own random schema, the configuration that joins them, and the real Oro client. Nothing is mocked.
 */
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import type { RunContext } from '../../src/jobs/context.js';
import type { JobDeps } from '../../src/jobs/types.js';
import type { Logger } from '../../src/log/types.js';
import { createOroClient } from '../../src/oro/client.js';
import type { OroClient } from '../../src/oro/types.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../tools/sandbox/types.js';
import { BACKENDS, randomSchema, type Backend } from '../staging/helpers/backends.js';

export const CLIENT = { clientId: 'sagesync-test', clientSecret: 'sandbox-secret-1' };

export const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} };

/** PGlite always, PostgreSQL when SAGESYNC_TEST_PG_URL is set; a skipped one is printed. */
export function jobBackends(file: string): Backend[] {
  const usable = BACKENDS.filter((b) => b.name !== 'mssql');
  for (const b of usable) {
    if (!b.available) console.warn(`${file}: skipping the ${b.name} backend: ${b.reason}`);
  }
  return usable.filter((b) => b.available);
}

export function buildConfig(
  backend: Backend,
  schema: string,
  oroUrl: string,
  extra: Partial<ConfigInput> = {},
): Config {
  const staging = (backend.config(schema) as unknown as { staging: Record<string, unknown> }).staging;
  return configSchema.parse({
    ...extra,
    oro: { url: oroUrl, ...CLIENT, maxRetries: 1, timeoutMs: 5000, ...(extra.oro ?? {}) },
    staging: { ...staging, ...(extra.staging ?? {}) },
  });
}

export interface JobEnvOptions {
  sandbox?: SandboxOptions;
  config?: Partial<ConfigInput>;
}

/** A sandbox, a migrated store and a client joined by one configuration. */
export interface JobEnv {
  config: Config;
  sandbox: Sandbox;
  store: StagingStore;
  oro: OroClient;
  schema: string;
  deps(extra?: Partial<JobDeps>): JobDeps;
  ctx(extra?: Partial<RunContext>): RunContext;
  close(): Promise<void>;
}

export async function jobEnv(
  backend: Backend,
  opts: JobEnvOptions & {
    /** A store already migrated (and emptied) to use instead of a new one; close leaves it open. */
    store?: { store: StagingStore; schema: string };
    /** The new store's schema (default: a random one, named with `tag`); dropped on close. */
    schema?: string;
    tag?: string;
  } = {},
): Promise<JobEnv> {
  const sandbox = await startSandbox({ clients: [CLIENT], ...opts.sandbox });
  const schema = opts.store?.schema ?? opts.schema ?? randomSchema(opts.tag ?? 'job');
  const config = buildConfig(backend, schema, sandbox.url, opts.config);
  const store = opts.store?.store ?? (await openStore(config));
  if (!opts.store) await store.migrate();
  // No real waiting between retries: the tests check what is sent, not how long it takes.
  const oro = createOroClient(config, { sleep: async () => undefined });
  const base = { config, logger: silent, clock: () => new Date() };
  return {
    config,
    sandbox,
    store,
    oro,
    schema,
    deps: (extra = {}) => ({ ...base, store, oro: async () => oro, ...extra }),
    ctx: (extra = {}) => ({ ...base, openStore: async () => store, openOro: async () => oro, ...extra }),
    async close() {
      await oro.close();
      if (!opts.store) {
        await store.close();
        await backend.dropSchema(schema);
      }
      await sandbox.close().catch(() => undefined); // some tests close it early (Oro down)
    },
  };
}
