/**
 * Review finding (stop during a wait), at the CLI: a real SIGTERM to a `sagesync push-orders`
 * child while it waits between retries of work the staging database refused (another session
 * holds the order table, as an X3 job or report can; each attempt ends at
 * staging.statementTimeoutMs). The run used to end with the job `failed` ("refused the work …;
 * not retried: sagesync received SIGTERM"), an error line and an alert e-mail, as if the database
 * were down. It now ends as any stopped run: exit 143, "stopped early", no e-mail; the next run
 * stages every order exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtp, type SmtpHarness } from '../notify/smtp-harness.js';
import { CLI, startSandboxCli, type SandboxCli } from '../cli/sandbox-cli.js';
import { BACKENDS } from '../staging/helpers/backends.js';

const backend = BACKENDS.find((b) => b.name === 'postgres');
if (!backend?.available) console.warn(`stop-during-wait-cli.test.ts: skipped (${backend?.reason})`);

const ORDERS = 12;

describe.skipIf(!backend?.available)('SIGTERM while push-orders waits to retry refused work', () => {
  let env: SandboxCli;
  let smtp: SmtpHarness;
  let holder: pg.Client;
  beforeEach(async () => {
    smtp = await startSmtp();
    env = await startSandboxCli('stopwait', { seed: { orders: ORDERS, seed: 5, linesPerOrder: [1, 2] } });
    holder = new pg.Client({ connectionString: process.env.SAGESYNC_TEST_PG_URL });
    await holder.connect();
  }, 180_000);
  afterEach(async () => {
    await holder?.end().catch(() => undefined);
    await env?.close();
    await smtp?.stop();
  });

  const schema = (): string => (env.config.staging as { schema: string }).schema;

  /** Other work holding the order table: reads go on, every write waits for it. */
  async function holdOrderTable(): Promise<void> {
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE "${schema()}".sagesync_order IN EXCLUSIVE MODE`);
  }

  async function stagedOrders(): Promise<{ n: number; distinct: number }> {
    const r = await holder.query<{ n: string; distinct: string }>(
      `SELECT count(*) AS n, count(DISTINCT oro_order_id) AS distinct FROM "${schema()}".sagesync_order`,
    );
    return { n: Number(r.rows[0]!.n), distinct: Number(r.rows[0]!.distinct) };
  }

  const mailTo = () => ({ to: ['ops@example.com'], smtp: { host: '127.0.0.1', port: smtp.port } });

  /** Sends SIGTERM once the child's log says `waiting`: it is then in the wait. */
  async function sigtermWhen(child: ChildProcess, waiting: RegExp): Promise<void> {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const t0 = Date.now();
    while (!waiting.test(stderr) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toMatch(waiting);
    child.kill('SIGTERM');
  }

  it('exit 143, stopped early, no alert; the next run stages every order once', async () => {
    const file = await env.variant('stopwait', {
      staging: { statementTimeoutMs: 300 },
      notifications: mailTo(),
      logging: { format: 'json' },
    });
    await holdOrderTable();
    const { child, done } = env.start(process.execPath, [CLI, 'push-orders', '-c', file]);
    // The second refusal: the job now waits 1 to 1.5 s before its third attempt.
    await sigtermWhen(child, /retry 2 of 3 in \d+ ms/);
    const r = await done;
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain('Received SIGTERM: no new batch starts');
    expect(r.stderr).toMatch(/stopped early: sagesync received SIGTERM/i);
    expect(r.stderr).not.toMatch(/push-orders: failed/);
    expect(r.stderr).not.toMatch(/"level":"error"/);
    // The notifier ran (it would have e-mailed a failed job): nothing was sent.
    expect(smtp.received()).toEqual([]);
    expect((await stagedOrders()).n).toBe(0);

    await holder.query('ROLLBACK');
    const next = await env.run(['push-orders', '-c', file]);
    expect(next.code, next.stderr).toBe(0);
    expect(await stagedOrders()).toEqual({ n: ORDERS, distinct: ORDERS });
    expect(smtp.received()).toEqual([]);
  }, 120_000);

  it("SIGTERM while waiting out Oro's Retry-After of an hour: exit 143 at once, no alert", async () => {
    const file = await env.variant('retryafter', { oro: { maxRetries: 2 }, notifications: mailTo() });
    env.sandbox.setFaults({ burst429: { count: 1, retryAfterSeconds: 3600 } });
    const { child, done } = env.start(process.execPath, [CLI, 'push-orders', '-c', file]);
    await sigtermWhen(child, /retry 1 of 2 in 3600000 ms/);
    const r = await done;
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(
      /Stopped early: sagesync received SIGTERM while waiting to retry GET orders \(HTTP 429\)/,
    );
    // The wait was cut, not outlived until the 20 s grace ran out.
    expect(r.stderr).not.toContain('still busy');
    expect(r.stderr).not.toMatch(/push-orders: failed/);
    expect(smtp.received()).toEqual([]);

    env.sandbox.setFaults({});
    const next = await env.run(['push-orders', '-c', file]);
    expect(next.code, next.stderr).toBe(0);
    expect(await stagedOrders()).toEqual({ n: ORDERS, distinct: ORDERS });
  }, 120_000);
});
