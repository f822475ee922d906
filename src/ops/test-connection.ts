/**
 * `sagesync test-connection` (issue 6): every configured connection and prerequisite, checked in
 * order, one result per check with the reason and the fix. It writes nothing: the database sees
 * reads and a rights check rolled back, Oro sees GETs, the SMTP server a connection and a login.
 * What each group decides lives in its own file: test-connection-local.ts (configuration,
 * SMTP), test-connection-database.ts, test-connection-oro.ts and test-connection-streams.ts.
 */
import type { RunContext } from '../jobs/context.js';
import { createRedactor } from '../log/redact.js';
import type { Tunnel } from '../tunnel/ssh-tunnel.js';
import { Checker, type CheckResult } from './test-connection-checker.js';
import { databaseChecks } from './test-connection-database.js';
import { configurationCheck, smtpCheck } from './test-connection-local.js';
import { oroChecks } from './test-connection-oro.js';

export type { CheckResult } from './test-connection-checker.js';

export interface TestConnectionReport {
  ok: boolean;
  checks: CheckResult[];
}

/** The groups of checks; `sagesync init` tests each answer as it is given (src/ops/init/). */
export type CheckPart = 'database' | 'oro' | 'smtp';

export async function testConnection(
  ctx: RunContext,
  parts: readonly CheckPart[] = ['database', 'oro', 'smtp'],
): Promise<TestConnectionReport> {
  const c = new Checker(createRedactor(ctx.config));
  await c.check('configuration', () => configurationCheck(ctx));
  let tunnel: Tunnel | undefined;
  try {
    if (parts.includes('database')) tunnel = await databaseChecks(ctx, c);
    if (parts.includes('oro')) await oroChecks(ctx, c);
    if (parts.includes('smtp')) await c.check('SMTP', () => smtpCheck(ctx));
  } finally {
    await tunnel?.close();
  }
  return { ok: c.checks.every((r) => r.ok), checks: c.checks };
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
