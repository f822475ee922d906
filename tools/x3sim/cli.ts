#!/usr/bin/env node
/**
 * `npm run x3sim -- -c <sagesync config>`: plays Sage X3 against the staging database the
 * configuration names, so the X3 team (and anyone trying sagesync) can see the whole loop without
 * an X3. Only the `staging` section of the configuration is read. docs/demo-bench-chaos.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadStagingConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { SagesyncError } from '../../src/errors.js';
import { openStore } from '../../src/staging/open-store.js';
import { formatX3Report } from './report.js';
import { X3Simulator, type X3Rejection, type X3Report } from './simulator.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function creditPair(v: string, prev: Record<string, string>): Record<string, string> {
  const m = /^([^=]+)=(\d+(?:\.\d{1,4})?)$/.exec(v);
  if (!m) throw new InvalidArgumentError('expected <X3 code or Oro customer id>=<amount>, e.g. C00042=0');
  return { ...prev, [m[1] as string]: m[2] as string };
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

interface Options {
  config?: string;
  reject: string[];
  rejectMessage?: string;
  rejectCustomer: string[];
  creditLimit: string;
  credit: Record<string, string>;
  setCredit: Record<string, string>;
  hold: string[];
  currency: string;
  creditLimits: boolean;
  shipments: boolean;
  carriers: string;
  watch?: number;
  json?: boolean;
}

export function buildProgram(): Command {
  return new Command('x3sim')
    .description('Play the Sage X3 side of the sagesync staging tables (for development and demos).')
    .option('-c, --config <file>', 'sagesync configuration (only its staging section is used)')
    .option('--reject <order>', 'reject this order (Oro identifier or order id); repeatable', collect, [])
    .option('--reject-message <text>', 'erp_message written on rejected orders')
    .option(
      '--reject-customer <id>',
      'reject this customer (Oro customer id or name); repeatable',
      collect,
      [],
    )
    .option('--credit-limit <amount>', 'credit limit written once for each customer X3 created', '25000.0000')
    .option(
      '--credit <code=amount>',
      'first credit limit of one customer (X3 code or Oro id); repeatable',
      creditPair,
      {},
    )
    .option(
      '--hold <code>',
      'first credit limit 0 (on hold) for this customer (X3 code or Oro id); repeatable',
      collect,
      [],
    )
    .option(
      '--set-credit <code=amount>',
      'write a credit-limit row for an X3 code now; repeatable',
      creditPair,
      {},
    )
    .option('--currency <iso>', 'currency of the credit limits', 'USD')
    .option('--no-credit-limits', 'write no credit limits')
    .option('--no-shipments', 'write no shipments')
    .option('--carriers <list>', 'carriers used round robin for shipments', 'UPS,DHL,FEDEX')
    .option('--watch <seconds>', 'repeat a pass every N seconds until interrupted', positive)
    .option('--json', 'print each pass as one JSON object');
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.parse(argv);
  const o = program.opts<Options>();
  const { config: staging } = await loadStagingConfig({ configPath: o.config });
  // openStore reads only `staging` (src/staging/open-store.ts).
  const store = await openStore({ staging } as unknown as Config);
  const rejection = (match: string): X3Rejection =>
    o.rejectMessage ? { match, message: o.rejectMessage } : { match };
  const sim = new X3Simulator(store, {
    rejectOrders: o.reject.map(rejection),
    rejectCustomers: o.rejectCustomer.map((match) => ({ match })),
    creditLimit: o.creditLimits ? o.creditLimit : null,
    creditLimits: { ...Object.fromEntries(o.hold.map((h) => [h, '0'])), ...o.credit },
    currency: o.currency,
    shipments: o.shipments,
    carriers: o.carriers
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  });
  const print = (r: X3Report): void => {
    process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${formatX3Report(r)}\n\n`);
  };
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  process.once('SIGTERM', () => (stop = true));
  try {
    const explicit = Object.entries(o.setCredit);
    if (explicit.length > 0) {
      await sim.writeCreditLimitRows(explicit.map(([code, limit]) => ({ code, limit })));
      const list = explicit.map(([c, l]) => `${c} = ${l}`).join(', ');
      if (!o.json) process.stdout.write(`Wrote credit-limit rows: ${list}\n\n`);
    }
    do {
      print(await sim.pass());
      if (o.watch) await new Promise((r) => setTimeout(r, (o.watch ?? 1) * 1000));
    } while (o.watch && !stop);
  } finally {
    await store.close();
  }
}

main(process.argv).catch((err: unknown) => {
  const e = err as Error;
  process.stderr.write(`x3sim: ${e.message}\n`);
  if (err instanceof SagesyncError && err.hint) process.stderr.write(`${err.hint}\n`);
  process.exitCode = err instanceof SagesyncError && err.kind === 'config' ? 78 : 1;
});
