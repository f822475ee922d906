/** `sagesync status` (issue 6 builds this). */
import { NotAvailableYetError } from '../errors.js';
import type { RunContext } from '../jobs/context.js';

export type StatusReport = Record<string, unknown>;

export async function status(_ctx: RunContext): Promise<StatusReport> {
  throw new NotAvailableYetError('"sagesync status" is not available yet.');
}
