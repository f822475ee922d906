/** A sandbox plus a client pointed at it, with recorded sleeps and communication events. */
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import type { CommunicationEvent } from '../../src/log/types.js';
import { createOroClient } from '../../src/oro/client.js';
import type { DeadlineTimer } from '../../src/oro/transport.js';
import type { OroClient } from '../../src/oro/types.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../tools/sandbox/index.js';

export const CLIENT = { clientId: 'sagesync-test', clientSecret: 'very-secret-value-123' };

export interface Rig {
  sb: Sandbox;
  client: OroClient;
  sleeps: number[];
  events: CommunicationEvent[];
  warnings: string[];
  clock: { now: number };
  close(): Promise<void>;
}

export async function rig(
  o: {
    sandbox?: SandboxOptions;
    oro?: Partial<ConfigInput['oro']>;
    useClock?: boolean;
    timer?: DeadlineTimer;
  } = {},
): Promise<Rig> {
  const sb = await startSandbox({ clients: [CLIENT], ...o.sandbox });
  const config = configSchema.parse({
    oro: {
      url: sb.url,
      clientId: CLIENT.clientId,
      clientSecret: CLIENT.clientSecret,
      pageSize: 10,
      ...o.oro,
    },
  });
  const sleeps: number[] = [];
  const events: CommunicationEvent[] = [];
  const warnings: string[] = [];
  const clock = { now: Date.now() };
  const client = createOroClient(config, {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onHttp: (e) => events.push(e),
    logger: { error() {}, warn: (m) => warnings.push(m), info() {}, debug() {} },
    ...(o.useClock ? { now: () => clock.now } : {}),
    ...(o.timer ? { timer: o.timer } : {}),
  });
  return {
    sb,
    client,
    sleeps,
    events,
    warnings,
    clock,
    async close() {
      await client.close();
      await sb.close();
    },
  };
}

export const apiRequests = (sb: Sandbox) => sb.requests.filter((r) => r.path.startsWith('/admin/api/'));
export const tokenRequests = (sb: Sandbox) => sb.requests.filter((r) => r.path === '/oauth2-token');

export async function expectRejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** Resolves once `test` holds, looking again at every turn of the event loop (no wall-clock margin). */
export async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setImmediate(r));
}
