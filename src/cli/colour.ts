/**
 * Whether to colour what goes to a terminal (issue 20). The conventions, in order: `--no-color`
 * (the user's explicit word for this run), `FORCE_COLOR` (set and not "0": colour even when not a
 * terminal; "0" or "false": never, https://force-color.org), `NO_COLOR` (set and not empty: no
 * colour, https://no-color.org), else colour only on a terminal.
 */
export function colourWanted(
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
  noColorFlag = false,
): boolean {
  if (noColorFlag) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY;
}
