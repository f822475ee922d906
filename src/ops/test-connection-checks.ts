/** The database line of test-connection: reachability, TLS state and certificate subject. */
import type { Config } from '../config/schema.js';
import type { StagingStore } from '../staging/store.js';
import type { Tunnel } from '../tunnel/ssh-tunnel.js';

/** Every Oro resource a job reads or writes (src/jobs, src/oro/client.ts). */
export const oroResourcesUsed = [
  'orders',
  'orderlineitems',
  'orderaddresses',
  'customers',
  'customerusers',
  'ordershippingtrackings',
] as const;

export async function checkDatabase(
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
