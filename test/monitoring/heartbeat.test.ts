/**
 * `monitoring.heartbeat` (issue 19): the CLI pings a local HTTP server at the start and end of a
 * run, Healthchecks.io style; a failing run pings /fail with its exit code (1, 69, 70, 78 each
 * provoked for real); a server that does not answer costs at most the timeout; the ping URL's
 * secret part never reaches the log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createRedactor } from '../../src/log/redact.js';
import { createHeartbeat } from '../../src/monitoring/heartbeat.js';
import { openStore } from '../../src/staging/open-store.js';
import { runCli } from '../cli/helpers.js';
import { silent } from '../jobs/pull-env.js';
import { freePort } from '../tunnel/sshd-server.js';
import { startPingServer, type PingServer } from './ping-server.js';

const SECRET = '5b0c9ac1-7d1e-4c7e-9a55-secret-check';
const dir = mkdtempSync(join(tmpdir(), 'sagesync-heartbeat-'));
let server: PingServer;
let closedPort: number;

/**
 * The pings' timeout where the test is not about it: the longest allowed, so that a loaded
 * machine (the CLI starting, fetch loading) never turns a ping the server would answer into a
 * missing one. The timeout itself is tested against a server that never answers (HANG_MS).
 */
const PATIENT_MS = 60_000;
const HANG_MS = 500;

function config(extra: Record<string, unknown> = {}, timeoutMs = PATIENT_MS): Record<string, unknown> {
  return {
    oro: {
      url: `http://127.0.0.1:${closedPort}`,
      clientId: 'cid',
      clientSecret: 'oro-secret-1',
      maxRetries: 0,
    },
    staging: { dialect: 'embedded', path: join(dir, 'db') },
    monitoring: { heartbeat: { url: `${server.origin}/ping/${SECRET}?k=key-${SECRET}`, timeoutMs } },
    ...extra,
  };
}

function write(name: string, cfg: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(cfg));
  return file;
}

async function sql(statement: string): Promise<void> {
  const store = await openStore(configSchema.parse(config()));
  try {
    await store.query(statement);
  } finally {
    await store.close();
  }
}

const pings = () => server.requests.map((r) => `${r.method} ${r.path.replace(`/ping/${SECRET}`, '<url>')}`);

beforeAll(async () => {
  server = await startPingServer();
  closedPort = await freePort();
  const migrated = await runCli(['migrate', '-c', write('base.json', config())]);
  expect(migrated.code).toBe(0);
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  server.mode = 'ok';
});

describe('monitoring.heartbeat', () => {
  it('pings /start, then the URL itself on success, with one run id; migrate and a dry run do not ping', async () => {
    const ran = await runCli(['pull-credit', '-c', join(dir, 'base.json')]);
    expect(ran.code).toBe(0);
    expect(pings()).toEqual(['POST <url>/start', 'POST <url>']);
    const [start, end] = server.requests;
    expect(start?.query.get('rid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(end?.query.get('rid')).toBe(start?.query.get('rid'));
    expect(end?.query.get('k')).toBe(`key-${SECRET}`); // the configured query is kept
    expect(end?.body).toMatch(/^pull-credit: ok \(read 0/);
    server.requests.length = 0;
    expect((await runCli(['pull-credit', '--dry-run', '-c', join(dir, 'base.json')])).code).toBe(0);
    expect((await runCli(['migrate', '-c', join(dir, 'base.json')])).code).toBe(0);
    expect(pings()).toEqual([]);
  }, 120_000);

  it('pings /fail with the exit code for records that failed (1) and Oro down (69)', async () => {
    await sql(`INSERT INTO sagesync_credit_limit (erp_customer_code, credit_limit) VALUES ('NOPE', 5)`);
    const one = await runCli(['pull-credit', '-c', join(dir, 'base.json')]);
    expect(one.code).toBe(1);
    const sixtyNine = await runCli(['push-orders', '-c', join(dir, 'base.json')]);
    expect(sixtyNine.code).toBe(69);
    expect(pings()).toEqual(['POST <url>/start', 'POST <url>/fail', 'POST <url>/start', 'POST <url>/fail']);
    expect(server.requests[1]?.body).toMatch(
      /^exit 1\npull-credit: 1 record\(s\) failed:\n {2}credit_limit \d+: Unknown X3 customer code "NOPE"/,
    );
    expect(server.requests[3]?.body).toMatch(/^exit 69\npush-orders: failed: /);
  }, 120_000);

  it('pings /fail with 70 for a bug and 78 for a configuration problem found at run time', async () => {
    await sql('DROP TABLE sagesync_shipment'); // what no typed error describes: internal
    const seventy = await runCli(['pull-tracking', '-c', join(dir, 'base.json')]);
    expect(seventy.code).toBe(70);
    const tunnel = config({
      staging: {
        dialect: 'postgres',
        host: 'db.internal',
        database: 'x3',
        user: 'sagesync',
        sshTunnel: {
          host: '127.0.0.1',
          port: closedPort,
          username: 'sagesync',
          privateKeyFile: join(dir, 'no-such-key'),
          hostKeySha256: 'SHA256:ueMWpuVFFx4+XqRSYI6Gm9duhTgLozF0GEe+nJxvgFk',
        },
      },
    });
    const seventyEight = await runCli(['pull-credit', '-c', write('tunnel.json', tunnel)]);
    expect(seventyEight.code).toBe(78);
    expect(pings()).toEqual(['POST <url>/start', 'POST <url>/fail', 'POST <url>/start', 'POST <url>/fail']);
    expect(server.requests[1]?.body).toMatch(/^exit 70\npull-tracking: failed: Internal error/);
    expect(server.requests[3]?.body).toMatch(
      /^exit 78\npull-credit: failed: The configuration is invalid[\s\S]*no-such-key/,
    );
  }, 120_000);

  it('a server that does not answer costs at most the timeout; the run and its exit code are unaffected', async () => {
    server.mode = 'hang';
    const heartbeat = createHeartbeat(
      { url: `${server.origin}/ping/${SECRET}`, timeoutMs: 300 },
      { logger: silent },
    );
    const t0 = Date.now();
    await heartbeat.start();
    await heartbeat.finish(69, 'Oro down');
    // Two pings of at most 300 ms each. The bound is loose on purpose (a loaded host is slow) and
    // still below one ping at the default timeout (5 s): it catches a ping that waits for the
    // server (which never answers) or ignores the configured timeoutMs.
    expect(Date.now() - t0).toBeLessThan(5000);
    const ran = await runCli(['pull-credit', '-v', '-c', write('hang.json', config({}, HANG_MS))]);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toMatch(
      /heartbeat ping http:\/\/127\.0\.0\.1:\d+\/…\/start failed \(the run is not affected\): no answer within 500 ms/,
    );
    expect(ran.stderr).not.toContain(SECRET);
  }, 120_000);

  it('a refused connection or an HTTP error is a warning without the secret, never a failure', async () => {
    const down = config({ monitoring: { heartbeat: { url: `http://127.0.0.1:${closedPort}/${SECRET}` } } });
    const refused = await runCli(['pull-credit', '-v', '-c', write('down.json', down)]);
    expect(refused.stderr).toMatch(
      /heartbeat ping http:\/\/127\.0\.0\.1:\d+\/…\/start failed \(the run is not affected\): ECONNREFUSED/,
    );
    server.mode = 'fail';
    const http500 = await runCli(['pull-credit', '-v', '-c', join(dir, 'base.json')]);
    expect(http500.code).toBe(refused.code);
    expect(http500.stderr).toMatch(/answered HTTP 500 \(the run is not affected\)/);
    expect(`${refused.stderr}${http500.stderr}`).not.toContain(SECRET);
    // Any other text that quotes the URL (an error, --json output) is masked too.
    const redactor = createRedactor(configSchema.parse(config()));
    expect(redactor.redact(`GET ${server.origin}/ping/${SECRET}/fail?k=key-${SECRET}`)).not.toContain(SECRET);
  }, 120_000);
});
