/** `sagesync test-connection` (issue 6 builds this). */
import { NotAvailableYetError } from '../errors.js';
import type { RunContext } from '../jobs/context.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  kind?: 'config' | 'unavailable';
}

export interface TestConnectionReport {
  ok: boolean;
  checks: CheckResult[];
}

export async function testConnection(_ctx: RunContext): Promise<TestConnectionReport> {
  throw new NotAvailableYetError('"sagesync test-connection" is not available yet.');
}
