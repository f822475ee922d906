/**
 * `npm run demo`: the whole loop on one machine in well under a minute, nothing to install. An Oro
 * sandbox and an embedded (PGlite) staging database in a temp dir; the real CLI (`bin/sagesync`,
 * as cron runs it) does the syncing; the X3 simulator plays Sage X3 in between. Everything is
 * closed and the temp dir removed at the end, whatever happens.
 */
import path from 'node:path';
import { configSchema, type Config } from '../../src/config/schema.js';
import type { RunSummary } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/log/logger.js';
import { startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/types.js';
import { openStore } from '../../src/staging/open-store.js';
import type { StagingStore } from '../../src/staging/store.js';
import { runTool } from '../common/tool-process.js';
import { formatX3Report } from '../x3sim/report.js';
import { X3Simulator } from '../x3sim/simulator.js';
import { describeExit, parseJsonOutput, runCli, tempDir, writeConfig } from './harness.js';
import { formatFlow, formatRun, NEXT_STEPS } from './print.js';
import { readFlow, type DemoFlow } from './readback.js';
import { renderEmail } from './render-email.js';

const CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret-not-for-production' };
const CUSTOMERS = ['Acme Corp', 'Müller & Söhne GmbH', "O'Brien Supplies", 'Café Ñandú 🚀 S.A.'];
const REJECTION = 'Sales order not created: item reference (ITMREF) is blocked for sale on site FR011.';

const say = (text = ''): void => void process.stdout.write(`${text}\n`);

async function cli(args: string[], configFile: string): Promise<RunSummary | null> {
  const r = await runCli([...args, '-c', configFile, '--json'], { timeoutMs: 60_000 });
  // Exit 1 is expected once X3 rejected a row (contract "Exit codes"); anything else is a failure.
  if (r.code !== 0 && r.code !== 1) throw new Error(`sagesync ${args.join(' ')} failed: ${describeExit(r)}`);
  return args[0] === 'run-all' ? parseJsonOutput<RunSummary>(r.stdout) : null;
}

async function withStore<T>(config: Config, fn: (store: StagingStore) => Promise<T>): Promise<T> {
  // The embedded database allows one process at a time: opened only while no CLI runs.
  const store = await openStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function seed(sandbox: Sandbox): void {
  sandbox.seed({ orders: 0, customers: 0, seed: 7 });
  const ids = CUSTOMERS.map((name) => sandbox.addCustomer({ name }));
  const lines = [2, 3, 1, 4, 2, 3];
  lines.forEach((n, i) => sandbox.addOrder({ customerId: ids[i % ids.length], lines: n }));
}

/** Checks that the demo showed what it claims; a broken flow fails the demo, not just looks odd. */
function check(flow: DemoFlow, ordersSeeded: number): void {
  const problems: string[] = [];
  if (flow.orders.length !== ordersSeeded)
    problems.push(`${flow.orders.length} of ${ordersSeeded} orders staged`);
  if (flow.rejected.length !== 1) problems.push(`${flow.rejected.length} rejected orders, expected 1`);
  if (flow.codes.length !== CUSTOMERS.length) problems.push(`${flow.codes.length} customer codes learnt`);
  for (const c of flow.credit) {
    if (c.status !== 'DONE' || c.oro_value === null || Number(c.oro_value) !== Number(c.credit_limit)) {
      problems.push(`credit limit ${c.erp_customer_code} not applied (${c.status}, Oro ${c.oro_value})`);
    }
  }
  for (const s of flow.shipments) {
    if (s.status !== 'DONE' || s.in_oro !== 1)
      problems.push(`tracking ${s.tracking_number} ${s.status}, in Oro ${s.in_oro}×`);
  }
  if (flow.shipments.length !== ordersSeeded - 1) problems.push(`${flow.shipments.length} shipments`);
  if (problems.length > 0) throw new Error(`The demo did not flow as expected: ${problems.join('; ')}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const tmp = tempDir('demo');
  let opened: Sandbox | undefined;
  try {
    say('sagesync demo: OroCommerce ⇄ staging tables ⇄ Sage X3, all on this machine\n');
    const sandbox = await startSandbox({ apiVersion: '6.1', clients: [CLIENT], seed: false });
    opened = sandbox;
    seed(sandbox);
    const stagingPath = path.join(tmp.dir, 'staging');
    const input = {
      oro: { url: sandbox.url, ...CLIENT },
      staging: { dialect: 'embedded', path: stagingPath },
      notifications: { to: ['erp-team@example.com'] },
    };
    const configFile = writeConfig(tmp.dir, {
      oroUrl: sandbox.url,
      ...CLIENT,
      staging: input.staging,
      extra: { notifications: input.notifications },
    });
    const config = configSchema.parse(input);
    say(`• Oro sandbox at ${sandbox.url} with ${CUSTOMERS.length} customers and 6 orders`);
    say(`• embedded staging database in ${stagingPath}`);
    say(`• config ${configFile}\n`);

    say('$ sagesync migrate');
    await cli(['migrate'], configFile);
    say('$ sagesync run-all            # Oro → staging: orders with their lines, customers first');
    const first = await cli(['run-all'], configFile);
    say(formatRun('First run-all', first));

    say('\n$ npm run x3sim -- …   # Sage X3 imports the rows and writes back');
    const x3 = await withStore(config, async (store) => {
      const staged = await store.query(
        `SELECT order_identifier, oro_customer_id FROM ${store.tableName('order')} ORDER BY staging_id`,
      );
      const rejected = String(staged[2]?.order_identifier ?? '');
      const hold = String(staged[1]?.oro_customer_id ?? '');
      const sim = new X3Simulator(store, {
        rejectOrders: [{ match: rejected, message: REJECTION }],
        creditLimits: { [hold]: '0' },
        creditLimit: '25000.0000',
      });
      return sim.pass();
    });
    say(formatX3Report(x3));

    say('\n$ sagesync run-all            # learns the codes, applies credit limits and trackings to Oro');
    const second = await cli(['run-all'], configFile);
    say(formatRun('Second run-all', second));

    const { flow, email } = await withStore(config, async (store) => {
      const f = await readFlow(store, sandbox, config.oro.creditLimitField);
      const logger = createLogger({ level: 'error', format: 'json', communication: false });
      const e = second ? await renderEmail(second, store, config, logger) : null;
      await logger.close();
      return { flow: f, email: e };
    });
    say(`\nWhat flowed each way\n\n${formatFlow(flow)}`);
    const rejected = flow.rejected[0];
    say(
      `\nThe rejected row: sagesync_order staging_id ${rejected?.staging_id}, order ${rejected?.order_identifier}, ` +
        `status ERROR, erp_message "${rejected?.erp_message}".`,
    );
    say('The e-mail it triggers (with notifications.smtp configured; rendered here, not sent):\n');
    say(email ?? '  (no e-mail would be sent)');
    check(flow, 6);
    say(
      `\nDemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; nothing is left running.\n`,
    );
    say(NEXT_STEPS);
  } finally {
    await opened?.close();
    tmp.remove();
  }
}

const USAGE = `Usage: npm run demo [-- --help]
  The whole loop on this machine: an Oro sandbox, an embedded staging database in a temp dir,
  the real sagesync CLI and the X3 simulator; prints what flowed each way. No options, nothing
  to install; Ctrl-C (or SIGTERM) stops it and removes what it started. See docs/demo-bench-chaos.md.
`;

void runTool({ name: 'demo', usage: USAGE, main });
