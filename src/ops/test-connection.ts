/**
 * `sagesync test-connection` (issue 6): every configured connection and prerequisite, checked in
 * order, one result per check with the reason and the fix. It writes nothing: the database sees
 * reads and a rights check rolled back, Oro sees GETs, the SMTP server a connection and a login.
 */
import { accessSync, constants } from 'node:fs';
import type { RunContext } from '../jobs/context.js';
import { createRedactor, type Redactor } from '../log/redact.js';
import { createMailer, notificationsConfigured } from '../notify/mailer.js';
import type { OroClient } from '../oro/types.js';
import type { StagingStore } from '../staging/store.js';
import type { Tunnel } from '../tunnel/ssh-tunnel.js';
import { checkDatabase, oroResourcesUsed } from './test-connection-checks.js';
import { securityWarnings } from './security-warnings.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  kind?: 'config' | 'unavailable';
  /** Not attempted because an earlier check failed. */
  skipped?: boolean;
}

export interface TestConnectionReport {
  ok: boolean;
  checks: CheckResult[];
}

type Outcome = { detail: string; ok?: boolean; fix?: string; kind?: 'config' | 'unavailable' };

/** The groups of checks; `sagesync init` tests each answer as it is given (src/ops/init/). */
export type CheckPart = 'database' | 'oro' | 'smtp';

export async function testConnection(
  ctx: RunContext,
  parts: readonly CheckPart[] = ['database', 'oro', 'smtp'],
): Promise<TestConnectionReport> {
  const { config } = ctx;
  const want = (p: CheckPart): boolean => parts.includes(p);
  const redactor = createRedactor(config);
  const checks: CheckResult[] = [];
  const check = async (name: string, fn: () => Promise<Outcome>): Promise<boolean> => {
    const r = await run(name, fn, redactor);
    checks.push(r);
    return r.ok;
  };
  const skip = (name: string, because: string): void => {
    checks.push({ name, ok: false, skipped: true, detail: `not checked: ${because}` });
  };

  await check('configuration', async () => configurationCheck(ctx));

  let tunnel: Tunnel | undefined;
  try {
    if (want('database')) await databaseChecks();
    if (want('oro')) await oroChecks();
    if (want('smtp')) await smtpCheck();
  } finally {
    await tunnel?.close();
  }
  return { ok: checks.every((c) => c.ok), checks };

  async function databaseChecks(): Promise<void> {
    const tunnelCfg = config.staging.dialect === 'embedded' ? undefined : config.staging.sshTunnel;
    const tunnelOk = await check('SSH tunnel', async () => {
      if (!tunnelCfg) return { detail: 'not configured: direct connection to the database' };
      const { openTunnel } = await import('../tunnel/ssh-tunnel.js');
      const { connectionOptions } = await import('../staging/connection-options.js');
      const target = connectionOptions(config.staging, config.staging.dialect === 'mssql' ? 1433 : 5432);
      tunnel = await openTunnel(tunnelCfg, { host: target.host, port: target.port }, { logger: ctx.logger });
      return {
        detail: `up through ${tunnelCfg.username}@${tunnelCfg.host}:${tunnelCfg.port} to ${target.host}:${target.port}; host key ${tunnel.fingerprint} matches the pinned one`,
      };
    });

    let store: StagingStore | undefined;
    let dbOk = false;
    if (!tunnelOk) skip('staging database', 'the SSH tunnel is down');
    else {
      dbOk = await check('staging database', async () => {
        store = await ctx.openStore();
        return checkDatabase(config, store, tunnel);
      });
    }

    let schemaOk = false;
    if (!store) skip('schema version', 'no database connection');
    else {
      const s = store;
      schemaOk = await check('schema version', async () => {
        const v = await s.schemaVersion();
        if (!v) {
          return {
            ok: false,
            kind: 'unavailable',
            detail: `the staging tables do not exist in ${s.tableName('order').split('.')[0]}`,
            fix: 'Run "sagesync migrate" (or have the DBA run the output of "sagesync migrate --print").',
          };
        }
        await s.assertSchemaCurrent();
        return {
          detail: `contract version ${v.contractVersion}, ${v.migrations.length} migration(s) applied, current`,
        };
      });
    }

    if (!store || !schemaOk) skip('rights', dbOk ? 'the schema is not current' : 'no database connection');
    else {
      const s = store;
      await check('rights', async () => {
        if (s.dialect === 'embedded') return { detail: 'embedded database: sagesync owns it' };
        const { checkRights } = await import('./rights-check.js');
        const r = await checkRights(s);
        if (r.ok)
          return { detail: `${r.checked} privileges exercised in a rolled-back transaction: all granted` };
        return {
          ok: false,
          kind: 'unavailable',
          detail: `missing: ${r.missing.join(', ')}`,
          fix: 'Grant them to the sagesync login (examples/sql/ has the least-privilege role; "sagesync migrate --print" prints the grants).',
        };
      });
    }
  }

  async function oroChecks(): Promise<void> {
    let oro: OroClient | undefined;
    let firstCustomers: { attributes: Record<string, unknown> }[] | undefined;
    const tokenOk = await check('Oro token', async () => {
      oro = await ctx.openOro();
      firstCustomers = await firstPage(oro, 'customers');
      return {
        detail: `obtained from ${config.oro.url.replace(/\/+$/, '')}/oauth2-token for client id "${config.oro.clientId}"`,
      };
    }).catch(() => false);

    for (const resource of oroResourcesUsed) {
      const name = `Oro ${resource} readable`;
      if (!tokenOk || !oro) {
        skip(name, 'no Oro token');
        continue;
      }
      const client = oro;
      await check(name, async () => {
        const data =
          resource === 'customers' && firstCustomers ? firstCustomers : await firstPage(client, resource);
        return {
          detail: `GET ${config.oro.apiPath}/${resource} answered (${data.length ? 'records present' : 'no records yet'})`,
        };
      });
    }

    const field = config.oro.creditLimitField;
    if (!tokenOk || !firstCustomers) skip('credit-limit attribute', 'customers could not be read');
    else {
      const customers = firstCustomers;
      await check('credit-limit attribute', async () => {
        const first = customers[0];
        if (!first) return { detail: `"${field}" not verified: Oro has no customer yet` };
        if (field in first.attributes) return { detail: `customers have the attribute "${field}"` };
        return {
          ok: false,
          kind: 'config',
          detail: `customers have no attribute "${field}"`,
          fix: `Create the custom field on Customer in Oro (System > Entities > Entity Management; then oro:api:cache:clear), or set oro.creditLimitField to its exact name (known attributes: ${Object.keys(first.attributes).slice(0, 12).join(', ')}).`,
        };
      });
    }
  }

  async function smtpCheck(): Promise<void> {
    await check('SMTP', async () => {
      const n = config.notifications;
      if (!notificationsConfigured(n)) {
        if (n.to.length > 0) {
          return {
            ok: false,
            kind: 'config',
            detail: 'notifications.to is set but notifications.smtp is not',
            fix: 'Set notifications.smtp.host (and port, user, password).',
          };
        }
        return { detail: 'not configured: no problem e-mails will be sent' };
      }
      const mailer = createMailer(n);
      try {
        await mailer.verify();
      } finally {
        mailer.close();
      }
      const smtp = n.smtp!;
      return {
        detail: `${smtp.host}:${smtp.port} accepted the connection${smtp.user ? ` and the login of "${smtp.user}"` : ''}; e-mails go to ${n.to.join(', ')}`,
      };
    });
  }
}

/** One line per check, in order: `✓ name: detail` or `✗ name: detail` followed by the fix. */
export function formatChecks(report: TestConnectionReport): string[] {
  const lines: string[] = [];
  for (const c of report.checks) {
    const mark = c.ok ? '✓' : c.skipped ? '–' : '✗';
    lines.push(`${mark} ${c.name}: ${c.detail}`);
    if (!c.ok && c.fix) lines.push(`    fix: ${c.fix}`);
  }
  return lines;
}

async function run(name: string, fn: () => Promise<Outcome>, redactor: Redactor): Promise<CheckResult> {
  try {
    const o = await fn();
    const ok = o.ok ?? true;
    return {
      name,
      ok,
      detail: redactor.redact(o.detail),
      ...(o.fix ? { fix: redactor.redact(o.fix) } : {}),
      ...(!ok ? { kind: o.kind ?? 'unavailable' } : {}),
    };
  } catch (err) {
    const e = err as { kind?: string; hint?: string };
    return {
      name,
      ok: false,
      detail: redactor.errorMessage(err),
      ...(typeof e.hint === 'string' ? { fix: redactor.redact(e.hint) } : {}),
      kind: e.kind === 'config' ? 'config' : 'unavailable',
    };
  }
}

function configurationCheck(ctx: RunContext): Outcome {
  const s = ctx.config.staging;
  const files: [string, string | undefined][] = [
    ['staging.tls.caFile', s.tls.caFile],
    ['staging.sshTunnel.privateKeyFile', s.sshTunnel?.privateKeyFile],
  ];
  for (const [key, file] of files) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch {
      return {
        ok: false,
        kind: 'config',
        detail: `${key}: cannot read ${file}`,
        fix: `Fix ${key} or the file's permissions.`,
      };
    }
  }
  const warnings = securityWarnings(ctx.config);
  const where =
    s.dialect === 'embedded' ? `embedded staging database in ${s.path}` : `${s.dialect} staging database`;
  return {
    detail: `valid (${where}, Oro ${ctx.config.oro.url})${warnings.map((w) => `; warning: ${w}`).join('')}`,
  };
}

async function firstPage(
  oro: OroClient,
  resource: string,
): Promise<{ attributes: Record<string, unknown> }[]> {
  for await (const page of oro.list(resource, { pageSize: 1 })) return page.data;
  return [];
}
