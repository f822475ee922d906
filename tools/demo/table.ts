/**
 * Plain-text tables for the demo, the X3 simulator and the harnesses: fixed-width columns, no
 * colours, so the output reads the same on a terminal, in a CI log and in the docs.
 */
export type Cell = string | number | boolean | Date | null | undefined;

export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  indent = '  ',
): string {
  const text = (c: Cell): string =>
    c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i]).length)));
  const line = (cells: readonly string[]): string =>
    indent +
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(headers.map((_, i) => text(r[i])))),
  ];
  return out.join('\n');
}

/** A heading line followed by a table, or by `(none)` when there are no rows. */
export function section(
  title: string,
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): string {
  return rows.length === 0 ? `${title}\n  (none)` : `${title}\n${renderTable(headers, rows)}`;
}
