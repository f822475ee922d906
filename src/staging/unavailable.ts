/** Connection and login failures → ServiceUnavailableError (exit 69), never with the password. */
import { ServiceUnavailableError } from '../errors.js';
import { scrub } from './connection-options.js';

export function unavailable(
  kind: string,
  target: string,
  cause: unknown,
  password: string | undefined,
): ServiceUnavailableError {
  const err = cause as { message?: string; code?: string };
  const reason = scrub(err?.message ?? String(cause), password);
  const code = err?.code ?? '';
  const fix =
    code === '28P01' ||
    code === '28000' ||
    code === 'ELOGIN' ||
    /login failed|authentication failed/i.test(reason)
      ? 'Check staging.user and staging.password (or passwordFile).'
      : code === '3D000' || /database .* does not exist|cannot open database/i.test(reason)
        ? 'Check staging.database, or create the database.'
        : /certificate|self.signed|SSL|TLS|EENCRYPT/i.test(reason)
          ? 'Check staging.tls (enabled, caFile, serverName, rejectUnauthorized) and the server certificate.'
          : 'Check staging.host and staging.port, that the server runs, and any firewall or SSH tunnel.';
  return new ServiceUnavailableError(
    'database',
    `Cannot connect to the ${kind} staging database at ${target}: ${reason}. ${fix}`,
    {
      cause: scrubCause(cause, password),
    },
  );
}

/** The cause chain is printed with --verbose: keep it, minus anything carrying the password. */
function scrubCause(cause: unknown, password: string | undefined): unknown {
  if (!(cause instanceof Error) || !password) return cause;
  const copy = new Error(scrub(cause.message, password));
  copy.name = cause.name;
  return copy;
}
