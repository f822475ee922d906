/** `sagesync test-connection`: one line per check (src/ops/test-connection.ts). */
import { EXIT, exitCodeForKind } from '../exit.js';
import { runtimeCommand } from './load.js';

export const run = runtimeCommand(async (rt, { env }) => {
  const { testConnection, formatChecks } = await import('../../ops/test-connection.js');
  const report = await testConnection(rt.ctx);
  const failed = report.checks.filter((c) => !c.ok && !c.skipped);
  // The worst failure decides: configuration (78) before unavailable (69).
  const exitCode = report.ok
    ? EXIT.ok
    : exitCodeForKind(failed.some((c) => c.kind === 'config') ? 'config' : 'unavailable');
  return {
    exitCode,
    report,
    lines: formatChecks(report),
    // With --quiet only the failed checks are printed (stderr).
    problems: env.flags.quiet ? formatChecks({ ok: false, checks: failed }) : [],
  };
});
