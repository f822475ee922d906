/** `--id <id,...>`: positive integers (Oro ids, or staging ids for the pull jobs). */
import { InvalidArgumentError } from 'commander';

/** commander argParser: accumulates repeated `--id` options; a bad value is a usage error (64). */
export function parseIds(value: string, previous: string[] | undefined): string[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0)
    throw new InvalidArgumentError('expected one or more ids, e.g. --id 42 or --id 42,43.');
  const bad = ids.filter((id) => !/^[1-9][0-9]{0,18}$/.test(id));
  if (bad.length > 0)
    throw new InvalidArgumentError(`ids are positive whole numbers; not: ${bad.join(', ')}.`);
  return [...new Set([...(previous ?? []), ...ids])];
}
