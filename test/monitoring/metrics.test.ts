/**
 * Metrics (issue 19): a real `run-all` (in-process CLI) against the Oro sandbox and PostgreSQL
 * writes `monitoring.textfile` atomically and PUTs the same text to a local Pushgateway-compatible
 * receiver; the text passes a strict exposition-format check; its figures match the database, the
 * requests the sandbox saw, and `sagesync status --json`. A broken destination never changes the
 * run's exit code.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { startSandbox } from '../../tools/sandbox/index.js';
import type { Sandbox } from '../../tools/sandbox/types.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { runCli } from '../cli/helpers.js';
import { CLIENT } from '../jobs/pull-env.js';
import { randomSchema } from '../staging/helpers/backends.js';
import { freePort } from '../tunnel/sshd-server.js';
import { parseExposition } from './exposition.js';
import { startPingServer, type PingServer } from './ping-server.js';

const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
if (!pgUrl) console.warn('test/monitoring/metrics.test.ts skipped: SAGESYNC_TEST_PG_URL is not set');

describe.skipIf(!pgUrl)('monitoring.textfile and monitoring.pushgateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-metrics-'));
  const textDir = join(dir, 'textfile');
  const prom = join(textDir, 'sagesync.prom');
  const schema = randomSchema('metrics');
  let sandbox: Sandbox;
  let gateway: PingServer;
  let store: StagingStore;
  let cfg: Record<string, unknown>;

  const write = (name: string, extra: Record<string, unknown> = {}): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ ...cfg, monitoring: { ...(cfg.monitoring as object), ...extra } }));
    return file;
  };

  beforeAll(async () => {
    mkdirSync(textDir);
    sandbox = await startSandbox({
      clients: [CLIENT],
      seed: { orders: 4, customers: 2, linesPerOrder: [1, 2] },
    });
    gateway = await startPingServer();
    cfg = {
      oro: { url: sandbox.url, ...CLIENT, maxRetries: 0, timeoutMs: 5000 },
      staging: { dialect: 'postgres', url: pgUrl, schema, tls: { enabled: false } },
      monitoring: {
        textfile: prom,
        pushgateway: { url: `${gateway.origin}/base`, instance: 'host-a', timeoutMs: 1000 },
      },
    };
    store = await openStore(configSchema.parse(cfg));
    expect((await runCli(['migrate', '-c', write('main.json')])).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await store?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await store?.close();
    await sandbox?.close();
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one run: the file and the push carry the same strict exposition text, with the right figures', async () => {
    await store.query(
      `INSERT INTO ${store.tableName('credit_limit')} (erp_customer_code, credit_limit) VALUES ('C-NEW', 5)`,
    );
    const t0 = Date.now();
    const ran = await runCli(['run-all', '-c', join(dir, 'main.json')]);
    expect(ran.code).toBe(1);
    expect(readdirSync(textDir)).toEqual(['sagesync.prom']); // no temporary file left behind
    const text = readFileSync(prom, 'utf8');
    const m = parseExposition(text);

    const pushes = gateway.requests.filter((r) => r.method === 'PUT');
    expect(pushes.map((r) => r.path)).toEqual(['/base/metrics/job/sagesync/instance/host-a']);
    expect(pushes[0]?.body).toBe(text);

    const count = async (table: string, where = '') =>
      Number((await store.query(`SELECT count(*) AS n FROM ${store.tableName(table)} ${where}`))[0]?.n);
    const staged = await count('order');
    expect(staged).toBe(4);
    expect(m.value('sagesync_job_rows', { job: 'push-orders', result: 'written' })).toBe(staged);
    expect(m.value('sagesync_job_rows', { job: 'pull-credit', result: 'failed' })).toBe(1);
    expect(m.value('sagesync_job_outcome', { job: 'pull-credit', outcome: 'records-failed' })).toBe(1);
    expect(m.value('sagesync_run_exit_code')).toBe(1);
    expect(m.value('sagesync_backlog_rows', { table: 'sagesync_order', status: 'NEW' })).toBe(staged);
    expect(m.value('sagesync_backlog_rows', { table: 'sagesync_credit_limit', status: 'ERROR' })).toBe(1);
    expect(
      m.value('sagesync_oldest_new_row_age_seconds', { table: 'sagesync_order' }),
    ).toBeGreaterThanOrEqual(0);
    expect(m.value('sagesync_quarantine_records', { job: 'push-orders' })).toBe(0);
    const success = m.value('sagesync_job_last_success_timestamp_seconds', { job: 'push-orders' })! * 1000;
    expect(success).toBeGreaterThanOrEqual(t0 - 1000);
    expect(success).toBeLessThanOrEqual(Date.now());
    expect(m.value('sagesync_read_lag_seconds', { job: 'push-orders' })).toBeGreaterThanOrEqual(0);
    // Every request the sandbox answered was counted, and the database statements too.
    const oroCount = [...m.samples]
      .filter(([k]) => k.startsWith('sagesync_oro_request_duration_seconds_count'))
      .reduce((sum, [, v]) => sum + v, 0);
    expect(oroCount).toBe(sandbox.requests.length);
    expect(m.value('sagesync_db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(10);
    expect(m.types.get('sagesync_oro_request_duration_seconds')).toBe('histogram');
    // Attributed per job: push-orders read Oro, pull-credit (an unknown code) never asked it.
    expect(m.value('sagesync_job_requests', { job: 'push-orders', target: 'oro' })).toBeGreaterThan(0);
    expect(m.value('sagesync_job_requests', { job: 'pull-credit', target: 'oro' })).toBe(0);
    expect(m.value('sagesync_job_requests', { job: 'pull-credit', target: 'db' })).toBeGreaterThan(0);

    // status --json carries the same figures.
    const { result: status } = JSON.parse(
      (await runCli(['status', '--json', '-c', join(dir, 'main.json')])).stdout,
    ) as {
      result: {
        backlog: { table: string; status: string; count: number }[];
        lastSuccess: { job: string; at: string | null }[];
        lastRuns: { job: string; counts: Record<string, number> | null }[];
        quarantine: { byJob: { job: string; open: number }[] };
      };
    };
    expect(Date.parse(status.lastSuccess.find((s) => s.job === 'push-orders')!.at!)).toBe(success);
    expect(status.lastRuns.find((r) => r.job === 'push-orders')?.counts).toMatchObject({
      written: staged,
      oroRequests: m.value('sagesync_job_requests', { job: 'push-orders', target: 'oro' }),
    });
    for (const b of status.backlog)
      expect(m.value('sagesync_backlog_rows', { table: b.table, status: b.status })).toBe(b.count);

    // docs/operations.md lists exactly these metrics, and its alert rules use only them.
    const doc = readFileSync(join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Metrics'), doc.indexOf('## TLS'));
    const listed = [...section.matchAll(/^\| `(sagesync_[a-z0-9_]+)` \|/gm)].map((x) => x[1]);
    expect(listed.sort()).toEqual([...m.types.keys()].sort());
    const rules = parseYaml(/```yaml\n(groups:[\s\S]*?)```/.exec(section)![1]!) as {
      groups: { rules: { expr: string }[] }[];
    };
    const used = rules.groups.flatMap((g) =>
      g.rules.flatMap((r) => r.expr.match(/sagesync_[a-z0-9_]+/g) ?? []),
    );
    expect(used.length).toBeGreaterThan(4);
    for (const name of used) expect(m.types.has(name.replace(/_(bucket|count|sum)$/, ''))).toBe(true);
  });

  it('each run replaces the file by rename (never rewritten in place) and the group by PUT', async () => {
    const before = statSync(prom).ino;
    expect((await runCli(['pull-credit', '-c', join(dir, 'main.json')])).code).toBe(0);
    expect(statSync(prom).ino).not.toBe(before);
    const m = parseExposition(readFileSync(prom, 'utf8'));
    expect(m.value('sagesync_run_exit_code')).toBe(0);
    expect(m.value('sagesync_job_rows', { job: 'push-orders', result: 'written' })).toBeUndefined();
    expect(gateway.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('an unwritable textfile or a Pushgateway that fails or does not answer is a warning, never a failure', async () => {
    const closed = await freePort();
    const broken = write('broken.json', {
      textfile: join(dir, 'no-such-dir', 'sagesync.prom'),
      pushgateway: { url: `http://127.0.0.1:${closed}`, timeoutMs: 500 },
    });
    const ran = await runCli(['pull-credit', '-c', broken]);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toMatch(/Could not write the metrics file .*no-such-dir.*\(the run is not affected\)/);
    expect(ran.stderr).toMatch(/Could not push the metrics to the Pushgateway .*ECONNREFUSED/);
    gateway.mode = 'hang';
    const t0 = Date.now();
    const hung = await runCli([
      'pull-credit',
      '-c',
      write('hang.json', { pushgateway: { url: gateway.origin, timeoutMs: 300 } }),
    ]);
    gateway.mode = 'ok';
    expect(hung.code).toBe(0);
    expect(hung.stderr).toMatch(/Could not push the metrics .*timed out/);
    expect(Date.now() - t0).toBeLessThan(20_000); // the bound only catches a push that waits for the server
  });
});

describe('the strict exposition check itself', () => {
  it('rejects what Prometheus would reject or misread', () => {
    const ok = '# HELP a_b x\n# TYPE a_b gauge\na_b{job="x"} 1\n';
    expect(parseExposition(ok).value('a_b', { job: 'x' })).toBe(1);
    for (const bad of [
      'a_b 1\n', // no TYPE
      '# TYPE a_b gauge\na_b{job="x"} 1', // no final newline
      '# TYPE a_b gauge\na_b{job="x"} 1\na_b{job="x"} 2\n', // the same series twice
      '# TYPE a_b gauge\na_b{1job="x"} 1\n', // bad label name
      '# TYPE a_b gauge\na_b{job=x} 1\n', // unquoted value
      '# TYPE a_b gauge\na_b one\n', // not a number
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n', // +Inf bucket != count
    ])
      expect(() => parseExposition(bad)).toThrow();
  });
});
