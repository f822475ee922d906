/**
 * The staging database's checks of test-connection, in order: the SSH tunnel, reachability with
 * TLS state and certificate subject, the schema version, the rights (exercised in a rolled-back
 * transaction). Each later check is skipped when one it depends on failed.
 */
import type { Config } from '../config/schema.js';
import type { RunContext } from '../jobs/context.js';
import type { StagingStore } from '../staging/store.js';
import type { Tunnel } from '../tunnel/ssh-tunnel.js';
import type { Checker } from './test-connection-checker.js';

/** Runs the database checks; the tunnel it opened (the caller closes it), if any. */
export async function databaseChecks(ctx: RunContext, c: Checker): Promise<Tunnel | undefined> {
  const { config } = ctx;
  let tunnel: Tunnel | undefined;
  const tunnelCfg = config.staging.dialect === 'embedded' ? undefined : config.staging.sshTunnel;
  const tunnelOk = await c.check('SSH tunnel', async () => {
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
  if (!tunnelOk) c.skip('staging database', 'the SSH tunnel is down');
  else {
    dbOk = await c.check('staging database', async () => {
      store = await ctx.openStore();
      return checkDatabase(config, store, tunnel);
    });
  }

  let schemaOk = false;
  if (!store) c.skip('schema version', 'no database connection');
  else {
    const s = store;
    schemaOk = await c.check('schema version', async () => {
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

  if (!store || !schemaOk) c.skip('rights', dbOk ? 'the schema is not current' : 'no database connection');
  else {
    const s = store;
    await c.check('rights', async () => {
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
  return tunnel;
}

/** Reachability, TLS state and certificate subject. */
async function checkDatabase(
  config: Config,
  store: StagingStore,
  tunnel: Tunnel | undefined,
): Promise<{ detail: string }> {
  const s = config.staging;
  if (store.dialect === 'embedded')
    return { detail: `embedded database in ${s.path} opened (TLS not applicable)` };
  const { connectionOptions, describeTarget } = await import('../staging/connection-options.js');
  const conn = connectionOptions(s, store.dialect === 'mssql' ? 1433 : 5432);
  const where = `${describeTarget(conn)}${tunnel ? ` (through the SSH tunnel)` : ''}`;
  if (store.dialect === 'mssql') {
    let encrypted = 'as configured';
    try {
      const rows = await store.query(
        'SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID',
      );
      if (rows[0]) encrypted = String(rows[0].encrypt_option) === 'TRUE' ? 'on' : 'OFF';
    } catch {
      // VIEW SERVER STATE is not granted to a least-privilege login: report the configuration.
    }
    return {
      detail: `reachable at ${where}; TLS ${encrypted === 'as configured' ? (s.tls.enabled ? 'on (as configured)' : 'OFF (as configured)') : encrypted}, certificate verification ${s.tls.rejectUnauthorized ? 'on' : 'OFF'}`,
    };
  }
  const rows = await store.query('SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  const ssl = rows[0];
  if (!ssl || ssl.ssl !== true)
    return { detail: `reachable at ${where}; TLS OFF: the connection is not encrypted` };
  let cert = '';
  try {
    const { probePostgresTls } = await import('./tls-probe.js');
    const host = tunnel ? tunnel.host : conn.host;
    const port = tunnel ? tunnel.port : conn.port;
    const p = await probePostgresTls(host, port, {
      ...(s.tls.caFile ? { caFile: s.tls.caFile } : {}),
      ...(s.tls.serverName ? { serverName: s.tls.serverName } : tunnel ? { serverName: conn.host } : {}),
    });
    if (p.offered) {
      cert = `, certificate "${p.subject}" issued by "${p.issuer}" (valid to ${p.validTo})${p.verified ? ', verified' : `, NOT verified${p.verifyError ? `: ${p.verifyError}` : ''}`}`;
    }
  } catch {
    cert = ', certificate not inspected';
  }
  const verification = s.tls.rejectUnauthorized
    ? ''
    : '; certificate verification is OFF (staging.tls.rejectUnauthorized: false)';
  return {
    detail: `reachable at ${where}; TLS on (${String(ssl.version)}, ${String(ssl.cipher)})${cert}${verification}`,
  };
}
