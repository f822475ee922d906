/**
 * Keys that say the same thing twice. `staging.url` and `staging.host` (or the port, database,
 * user or password the URL also holds) used to be merged silently, the explicit key winning,
 * which connects to a mix of two configurations (issue 18, point 17): both are named instead.
 */
import type { ConfigProblem } from '../errors.js';
import { getPath, type Merged } from './layers.js';

/** The parts of a connection URL that a separate key may also give. */
function urlParts(url: URL): Record<string, boolean> {
  return {
    'staging.host': url.hostname !== '',
    'staging.port': url.port !== '',
    'staging.database': url.pathname.replace(/^\//, '') !== '',
    'staging.user': url.username !== '',
    'staging.password': url.password !== '',
  };
}

export function conflictProblems(merged: Merged): ConfigProblem[] {
  const url = getPath(merged.input, 'staging.url');
  if (typeof url !== 'string' || url === '') return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return []; // the connection reports a URL it cannot parse
  }
  const urlSource = merged.origins.get('staging.url')?.source ?? 'configuration';
  const problems: ConfigProblem[] = [];
  for (const [key, inUrl] of Object.entries(urlParts(parsed))) {
    if (!inUrl || getPath(merged.input, key) === undefined) continue;
    const keySource = merged.origins.get(key)?.source ?? 'configuration';
    problems.push({
      path: 'staging.url',
      source: urlSource,
      message: `${key} (${keySource}) is set too, and the URL gives ${key.slice('staging.'.length)} as well: set the database's address either as staging.url or as the separate keys, not both`,
    });
  }
  return problems;
}
