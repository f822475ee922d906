/**
 * test-connection against a complete working setup (sandbox, SMTP server, PostgreSQL with TLS
 * behind a real sshd): all ✓ and exit 0; then each broken part: the right line ✗, the right exit
 * code, later checks that depend on it marked as not checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatChecks, type TestConnectionReport } from '../../src/ops/test-connection.js';
import { sshdUnavailable } from '../tunnel/sshd-server.js';
import { type OpsSetup, runCli, startOpsSetup } from './ops-harness.js';
import { tlsPostgresUnavailable } from './tls-postgres.js';

const why = sshdUnavailable() ?? tlsPostgresUnavailable();
if (why) console.warn(`test/ops/test-connection.test.ts skipped: ${why}`);

const ORDER = [
  'configuration',
  'SSH tunnel',
  'staging database',
  'schema version',
  'rights',
  'Oro token',
  'Oro orders readable',
  'Oro orderlineitems readable',
  'Oro orderaddresses readable',
  'Oro customers readable',
  'Oro customerusers readable',
  'Oro ordershippingtrackings readable',
  'credit-limit attribute',
  'SMTP',
];

describe.skipIf(why !== null)('sagesync test-connection', () => {
  let s: OpsSetup;
  beforeAll(async () => {
    s = await startOpsSetup();
  });
  afterAll(async () => {
    await s?.stop();
  });

  type Patch = (c: OpsSetup['config']) => unknown;
  const run = async (patch: Patch = (c) => c) => {
    const r = await runCli(s.dir, patch(structuredClone(s.config)), ['test-connection', '--json']);
    const report = JSON.parse(r.stdout) as TestConnectionReport & Record<string, unknown>;
    const body = (report.result ?? report) as TestConnectionReport;
    const line = (name: string) => body.checks.find((c) => c.name === name);
    return { ...r, report: body, line };
  };

  it('a working setup: every check ✓ in order, exit 0, nothing written', async () => {
    const before = s.sandbox.requests.filter((q) => q.method !== 'GET' && !q.path.includes('token')).length;
    const r = await run();
    expect(r.report.checks.map((c) => c.name)).toEqual(ORDER);
    expect(r.report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.line('SSH tunnel')?.detail).toContain(s.sshd.hostKeySha256);
    expect(r.line('staging database')?.detail).toMatch(/TLS on .*certificate "CN=localhost.*verified/);
    expect(r.line('rights')?.detail).toContain('all granted');
    expect(r.line('SMTP')?.detail).toContain(`127.0.0.1:${s.smtp.port}`);
    expect(s.sandbox.requests.filter((q) => q.method !== 'GET' && !q.path.includes('token')).length).toBe(
      before,
    );
    expect(s.smtp.received()).toHaveLength(0);
    const text = formatChecks(r.report);
    expect(text[0]).toMatch(/^✓ configuration: valid/);
    expect(text.every((l) => l.startsWith('✓'))).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('sandbox-secret');
  });

  it('a wrong pinned host key: the tunnel line ✗ with the fingerprint seen, exit 69', async () => {
    const r = await run((c) => {
      c.staging!.sshTunnel!.hostKeySha256 = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      return c;
    });
    expect(r.line('SSH tunnel')?.ok).toBe(false);
    expect(r.line('SSH tunnel')?.detail).toContain(s.sshd.hostKeySha256);
    expect(r.line('staging database')?.skipped).toBe(true);
    expect(r.line('Oro token')?.ok).toBe(true);
    expect(r.code).toBe(69);
  });

  it('no caFile for a private CA: the database line ✗ naming the certificate problem, exit 69', async () => {
    const r = await run((c) => {
      c.staging!.tls = {};
      return c;
    });
    expect(r.line('SSH tunnel')?.ok).toBe(true);
    expect(r.line('staging database')?.ok).toBe(false);
    expect(r.line('staging database')?.detail).toMatch(/certificate/i);
    expect(r.code).toBe(69);
  });

  it('a schema never migrated: the schema line ✗ naming sagesync migrate, exit 69', async () => {
    const r = await run((c) => {
      c.staging!.schema = 'not_migrated_here';
      return c;
    });
    expect(r.line('staging database')?.ok).toBe(true);
    expect(r.line('schema version')?.ok).toBe(false);
    expect(r.line('schema version')?.fix).toContain('sagesync migrate');
    expect(r.line('rights')?.skipped).toBe(true);
    expect(r.code).toBe(69);
  });

  it('a login with SELECT only: the rights line ✗ listing what is missing, exit 69, nothing written', async () => {
    const { openStore } = await import('../../src/staging/open-store.js');
    const { configSchema } = await import('../../src/config/schema.js');
    const admin = await openStore(
      configSchema.parse({ ...s.config, staging: { ...s.config.staging, sshTunnel: undefined } }),
    );
    await admin.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'readonly_sync') THEN CREATE ROLE readonly_sync LOGIN PASSWORD 'ro-pass-123'; END IF; END $$`,
    );
    await admin.query(`GRANT USAGE ON SCHEMA ${s.schema} TO readonly_sync`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${s.schema} TO readonly_sync`);
    const r = await run((c) => {
      c.staging!.url = s.pg.url.replace(/\/\/postgres:[^@]+@/, '//readonly_sync:ro-pass-123@');
      return c;
    });
    const rows = await admin.query(`SELECT count(*)::int AS n FROM ${s.schema}.sagesync_run`);
    await admin.close();
    expect(r.line('schema version')?.ok).toBe(true);
    expect(r.line('rights')?.ok).toBe(false);
    expect(r.line('rights')?.detail).toContain(`INSERT on ${s.schema}.sagesync_order`);
    expect(r.line('rights')?.detail).toContain(`UPDATE on ${s.schema}.sagesync_credit_limit`);
    expect(r.line('rights')?.detail).not.toContain('SELECT on');
    expect(rows[0]?.n).toBe(0);
    expect(r.code).toBe(69);
    expect(r.stdout + r.stderr).not.toContain('ro-pass-123');
  });

  it('a wrong Oro client secret: the token line ✗, resources not checked, exit 69', async () => {
    const r = await run((c) => {
      c.oro.clientSecret = 'wrong-secret-value';
      return c;
    });
    expect(r.line('Oro token')?.ok).toBe(false);
    expect(r.line('Oro token')?.fix).toContain('oro.clientSecret');
    expect(r.line('Oro orders readable')?.skipped).toBe(true);
    expect(r.line('SMTP')?.ok).toBe(true);
    expect(r.code).toBe(69);
    expect(r.stdout + r.stderr).not.toContain('wrong-secret-value');
  });

  it('a wrong oro.apiPath (Oro under another backend prefix): the Oro line ✗ naming oro.apiPath, exit 69', async () => {
    const r = await run((c) => {
      (c.oro as Record<string, unknown>)['apiPath'] = '/backoffice/api';
      return c;
    });
    expect(r.line('Oro token')?.ok).toBe(false);
    expect(r.line('Oro token')?.fix).toMatch(/Web API.*oro\.apiPath/s);
    expect(r.code).toBe(69);
  });

  it('a credit-limit attribute Oro does not have: that line ✗, exit 78', async () => {
    const r = await run((c) => {
      c.oro.creditLimitField = 'erp_credit_limit';
      return c;
    });
    expect(r.line('credit-limit attribute')?.ok).toBe(false);
    expect(r.line('credit-limit attribute')?.detail).toContain('erp_credit_limit');
    expect(r.report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['credit-limit attribute']);
    expect(r.code).toBe(78);
  });

  it('an SMTP server that is down: the SMTP line ✗, exit 69', async () => {
    const { freePort } = await import('../tunnel/sshd-server.js');
    const port = await freePort();
    const r = await run((c) => {
      c.notifications!.smtp!.port = port;
      return c;
    });
    expect(r.report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['SMTP']);
    expect(r.code).toBe(69);
  });

  it('an unreadable CA file: the configuration line ✗, exit 78', async () => {
    const r = await run((c) => {
      c.staging!.tls = { caFile: '/nonexistent/ca.pem' };
      return c;
    });
    expect(r.line('configuration')?.ok).toBe(false);
    expect(r.code).toBe(78);
  });
});
