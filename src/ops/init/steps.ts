/**
 * The steps `sagesync init` takes with a set of answers, shared by the interactive and the
 * non-interactive form. Each test is test-connection's own (src/ops/test-connection.ts), run on
 * the part just answered; migrate is the store's own migrate; the test e-mail goes through the
 * mailer that sends the alerts.
 */
import type { Config } from '../../config/schema.js';
import type { RunContext } from '../../jobs/context.js';
import { createMailer } from '../../notify/mailer.js';
import { testConnection, type CheckPart, type CheckResult } from '../test-connection.js';
import { PromptInterrupted } from './prompter.js';

export interface InitDeps {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** A line for the person at the terminal (stdout). */
  say: (line: string) => void;
  /** Opens what the configuration names (Oro client, store), runs `fn`, closes everything. */
  withContext: <T>(config: Config, fn: (ctx: RunContext) => Promise<T>) => Promise<T>;
  now: () => Date;
  /** How this sagesync was started, for the scheduling line. */
  node: string;
  bin: string;
  /** True once Ctrl-C (SIGINT) or SIGTERM arrived outside a question: stop before writing. */
  stopped: () => boolean;
}

/** Throws PromptInterrupted when the process was asked to stop; called between steps. */
export function checkStopped(deps: InitDeps): void {
  if (deps.stopped()) throw new PromptInterrupted();
}

/**
 * The database checks before the tables exist: a missing or old schema is what migrate is
 * offered for, and the rights are exercised on the tables, so neither fails this step.
 */
const AFTER_MIGRATE = new Set(['schema version', 'rights']);

export interface PartResult {
  ok: boolean;
  checks: CheckResult[];
  failed: CheckResult[];
  /** The worst failure: a bad answer (config) or an unavailable service. */
  kind: 'config' | 'unavailable' | null;
}

export async function testPart(
  deps: InitDeps,
  config: Config,
  part: CheckPart,
  opts: { beforeMigrate?: boolean } = {},
): Promise<PartResult> {
  const report = await deps.withContext(config, (ctx) => testConnection(ctx, [part]));
  checkStopped(deps);
  const failed = report.checks.filter(
    (c) => !c.ok && !c.skipped && !(opts.beforeMigrate && AFTER_MIGRATE.has(c.name)),
  );
  const kind =
    failed.length === 0 ? null : failed.some((c) => c.kind === 'config') ? 'config' : 'unavailable';
  return { ok: failed.length === 0, checks: report.checks, failed, kind };
}

/** Creates or upgrades the staging tables, as `sagesync migrate` does. */
export async function runMigrate(deps: InitDeps, config: Config): Promise<string> {
  return deps.withContext(config, async (ctx) => {
    const store = await ctx.openStore();
    const { streamTables } = await import('../../streams/tables.js');
    const report = await store.migrate(streamTables(config));
    return report.alreadyCurrent
      ? `The staging tables are current (contract version ${report.contractVersion}).`
      : `Migrated the staging tables to contract version ${report.contractVersion}: applied ${report.applied.join(', ')}.`;
  });
}

/** The DDL for a DBA, as `sagesync migrate --print` writes it. */
export async function migrateDdl(config: Config): Promise<string> {
  const { printDdl } = await import('../../staging/print-ddl.js');
  const { streamTables } = await import('../../streams/tables.js');
  const s = config.staging;
  return printDdl(s.dialect === 'mssql' ? 'mssql' : 'postgres', {
    ...(s.schema ? { schema: s.schema } : {}),
    tablePrefix: s.tablePrefix,
    extraTables: streamTables(config),
  });
}

/** Sends one e-mail through the alerts' mailer to every notifications.to. */
export async function sendTestEmail(config: Config, now: Date): Promise<string> {
  const mailer = createMailer(config.notifications);
  try {
    await mailer.send({
      subject: 'sagesync: test e-mail from sagesync init',
      text: `This is the test e-mail sagesync init sent on ${now.toISOString()}.\nProblems of the sync will arrive the same way.\n`,
    });
  } finally {
    mailer.close();
  }
  return `Sent a test e-mail to ${config.notifications.to.join(', ')}.`;
}

interface StatusCount {
  id: string;
  name: string;
  orders: number;
}

export interface OrderCensus {
  statuses: StatusCount[];
  /** Orders read. */
  total: number;
  /** True when the reading stopped at the cap: the counts are a lower bound. */
  capped: boolean;
}

/** At most this many orders are read to count them (400 requests of 100). */
const CENSUS_CAP = 40_000;

/**
 * The order internal statuses the current orders hold, with how many hold each, read with the
 * status included (its `name`). The statuses' own resource (orderinternalstatuses) is not
 * listed: Oro disables paging on it and answers 400 to page[size] (oroinc/platform
 * src/Oro/Bundle/ApiBundle/Tests/Functional/RestJsonApiFiltersAndSorters/GetWithFiltersTest.php @6.1.0,
 * testDisabledPaginationAndPaginationFilters), and a status no order holds stages nothing either
 * way.
 */
export async function orderCensus(deps: InitDeps, config: Config): Promise<OrderCensus> {
  return deps.withContext(config, async (ctx) => {
    const oro = await ctx.openOro();
    const byId = new Map<string, StatusCount>();
    let total = 0;
    let capped = false;
    const query = {
      fields: { orders: ['internalStatus'], orderinternalstatuses: ['name'] },
      include: ['internalStatus'],
      links: false,
      pageSize: 100,
    };
    for await (const page of oro.list('orders', query)) {
      for (const order of page.data) {
        const rel = order.relationships['internalStatus']?.data;
        const id = rel && !Array.isArray(rel) ? rel.id : '(none)';
        const name = page.included.get(`orderinternalstatuses:${id}`)?.attributes['name'];
        const entry = byId.get(id) ?? { id, name: typeof name === 'string' ? name : id, orders: 0 };
        entry.orders++;
        byId.set(id, entry);
        total++;
      }
      if (total >= CENSUS_CAP) {
        capped = true;
        break;
      }
    }
    return { statuses: [...byId.values()].sort((a, b) => b.orders - a.orders), total, capped };
  });
}

/** How many of the counted orders the chosen statuses let through (none chosen: every order). */
export function qualifying(census: OrderCensus, chosen: readonly string[] | undefined): string {
  const n = chosen
    ? census.statuses.filter((s) => chosen.includes(s.id)).reduce((a, s) => a + s.orders, 0)
    : census.total;
  const of = `${census.capped ? 'at least ' : ''}${census.total}`;
  return `${n} of the ${of} orders in Oro now would be staged by the first run${chosen ? ` (internal status ${chosen.join(', ')})` : ' (no criteria: every order)'}.`;
}

export function formatCensus(census: OrderCensus): string[] {
  return census.statuses.map((s) => `  ${s.id.padEnd(14)} ${s.name.padEnd(16)} ${s.orders} order(s)`);
}
