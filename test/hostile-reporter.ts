/**
 * `npm run hostile`: the count of hostile cases in the suite (tests tagged `hostile`, the rule in
 * docs/testing.md) and their results, per file, with the reason of each one skipped. Vitest's
 * own summary also counts the tests the tag filter left out as skipped; this one does not.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';

const TAG = 'hostile';

export default class HostileReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows: [string, Record<string, number>][] = [];
    const total: Record<string, number> = { passed: 0, failed: 0, skipped: 0 };
    const notes: string[] = [];
    for (const m of modules) {
      const counts: Record<string, number> = { passed: 0, failed: 0, skipped: 0 };
      const tests = [...m.children.allTests()].filter((t: TestCase) => t.tags.includes(TAG));
      for (const t of tests) {
        const r = t.result();
        // A test left pending (the run was stopped) counts as failed: it did not pass.
        const state = r.state === 'pending' ? 'failed' : r.state;
        counts[state] = (counts[state] ?? 0) + 1;
        total[state] = (total[state] ?? 0) + 1;
        if (r.state === 'skipped') notes.push(`  ${t.fullName}: ${r.note ?? 'skipped (no reason given)'}`);
      }
      if (tests.length > 0) rows.push([m.relativeModuleId, counts]);
    }
    const n = total.passed! + total.failed! + total.skipped!;
    const shown = (c: Record<string, number>): string =>
      ['passed', 'failed', 'skipped']
        .filter((k) => (c[k] ?? 0) > 0)
        .map((k) => `${c[k]} ${k}`)
        .join(', ');
    const width = Math.max(0, ...rows.map(([f]) => f.length));
    const out = [
      '',
      `Hostile cases (tests tagged "${TAG}"): ${n} in ${rows.length} files: ` +
        `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`,
      ...rows.sort(([a], [b]) => a.localeCompare(b)).map(([f, c]) => `  ${f.padEnd(width)}  ${shown(c)}`),
      ...(notes.length ? ['Skipped, with their reasons:', ...notes] : []),
      '',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
