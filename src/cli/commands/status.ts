/** `sagesync status` (src/ops/status.ts): the human form on stdout, the report with --json. */
import { EXIT } from '../exit.js';
import { runtimeCommand } from './load.js';

export const run = runtimeCommand(async (rt) => {
  const { status, formatStatus } = await import('../../ops/status.js');
  const report = await status(rt.ctx);
  return {
    exitCode: EXIT.ok,
    report,
    lines: formatStatus(report).replace(/\n+$/, '').split('\n'),
    problems: [],
  };
});
