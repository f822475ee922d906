// @module-tag hostile
/**
 * The heartbeat's /fail body goes to a third-party service (monitoring.heartbeat, issue 19): the
 * run's error messages and failed records in it are masked like every log line, so a configured
 * secret or a secret-shaped value that reached a message never leaves the host. Against a real
 * local HTTP server standing for the dead-man's-switch service.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createRunMonitor } from '../../src/monitoring/monitor.js';
import type { RunContext } from '../../src/jobs/context.js';
import { silent } from '../jobs/pull-env.js';
import { startPingServer, type PingServer } from '../monitoring/ping-server.js';

const CLIENT_SECRET = 'oro-secret-7f3a9c1e';
const DB_PASSWORD = 'db-pass-51c0ffee';
let server: PingServer;

beforeAll(async () => {
  server = await startPingServer();
});
afterAll(async () => server?.close());

it('masks configured secrets and secret-shaped values in the /fail body', async () => {
  const config = configSchema.parse({
    oro: { url: 'https://shop.example.com', clientId: 'cid', clientSecret: CLIENT_SECRET },
    staging: { dialect: 'postgres', host: 'db.example.com', password: DB_PASSWORD },
    monitoring: { heartbeat: { url: `${server.origin}/ping/check-1234abcd`, timeoutMs: 2000 } },
  });
  // No metrics are configured, so the run context is never read.
  const monitor = await createRunMonitor(config, { logger: silent, ctx: {} as RunContext });
  expect(monitor).toBeDefined();
  monitor!.start();
  await monitor!.finish({
    exitCode: 69,
    details: [
      `push-orders: failed: Oro refused client_secret=${CLIENT_SECRET} at the token endpoint`,
      `pull-credit: failed: connect to postgres://sagesync:${DB_PASSWORD}@db.example.com/x refused`,
      'pull-tracking: failed: Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.issued-at-run-time',
    ].join('\n'),
    summary: null,
  });
  const fail = server.requests.find((r) => r.path.endsWith('/fail'));
  expect(fail?.body).toMatch(/^exit 69\npush-orders: failed: /);
  for (const secret of [CLIENT_SECRET, DB_PASSWORD, 'eyJhbGciOiJSUzI1NiJ9']) {
    expect(fail?.body).not.toContain(secret);
  }
});
