/**
 * The catalog of jobs (src/jobs/catalog.ts) is the one place a job is known: run-all's order, the
 * runner's loader, the CLI's commands and their help all come from its entries (issue 15).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/errors.js';
import { catalog, JOBS, loadJob, runAllJobNames, type JobEntry } from '../../src/jobs/catalog.js';
import { pullSources } from '../../src/notify/run-problems.js';
import { runCli } from '../cli/helpers.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const withStreams = () =>
  loadConfig({
    configPath: `${examples}sagesync.streams.yaml`,
    cwd: examples,
    env: { SAGESYNC_ORO_CLIENT_SECRET: 's', SAGESYNC_STAGING_PASSWORD: 'p' },
  });

describe('the catalog of jobs', () => {
  it('run-all runs the built-in jobs in their place, then the custom streams in configured order', async () => {
    const config = await withStreams();
    expect(runAllJobNames(config)).toEqual([
      'push-orders',
      'push-customers',
      'pull-credit',
      'pull-tracking',
      'stream:products',
      'stream:contacts',
      'stream:contact-ratings',
    ]);
    expect(runAllJobNames({ streams: [] })).toEqual(JOBS.map((j) => j.name));
  });

  it('loads the function of every job, built-in or custom stream, by name', async () => {
    const config = await withStreams();
    const entries = catalog(config);
    expect(entries.map((e) => e.summary)).toContain('the custom pull stream contact-ratings');
    for (const e of entries) {
      expect(typeof (await loadJob(e.name, config)), e.name).toBe('function');
      expect(typeof (await e.load()), e.name).toBe('function');
    }
    await expect(loadJob('stream:nope', config)).rejects.toBeInstanceOf(UsageError);
    await expect(loadJob('frobnicate' as never, config)).rejects.toMatchObject({
      hint: expect.stringMatching(/^Known jobs: push-orders, push-customers, pull-credit, pull-tracking/),
    });
  });

  it.each(JOBS as readonly JobEntry<string>[])(
    '$name is a command whose help comes from its entry',
    async (j) => {
      const list = await runCli(['--help']);
      expect(list.stdout).toMatch(new RegExp(`^  ${j.name}\\b.*\\s+${j.summary.slice(0, 20)}`, 'm'));
      const help = await runCli([j.name, '--help']);
      const flat = help.stdout.replace(/\s+/g, ' ');
      expect(flat).toContain(`Reads: ${j.reads}.`);
      expect(flat).toContain(`Writes: ${j.writes}.`);
      expect(flat.includes('--id <id,...>')).toBe(j.ids !== undefined);
      if (j.ids !== undefined) expect(flat).toContain(`only these ${j.ids}`);
    },
  );

  it.each(JOBS.map((j) => j.name))('the CLI runs %s (it reaches the configuration)', async (name) => {
    // No configuration here: the command's module was found and loaded the configuration (78),
    // where a command without a module would be an internal error (70).
    const r = await runCli([name, '--json'], {
      cwd: fileURLToPath(new URL('../fixtures/', import.meta.url)),
    });
    expect(JSON.parse(r.stdout)).toMatchObject({ command: name, exitCode: 78, error: { kind: 'config' } });
  });
});

describe('what derives from the catalog besides the commands', () => {
  it('alert e-mails list the ERROR rows of every pull job of the catalog, pull streams included', async () => {
    const config = await withStreams();
    const sources = pullSources(config).map((s) => `${s.job} ${s.table.name}`);
    const contact = catalog(config).find((e) => e.name === 'stream:contact-ratings');
    expect(sources).toEqual([
      'pull-credit credit_limit',
      'pull-tracking shipment',
      `stream:contact-ratings ${contact?.errorTable?.name ?? 'none'}`,
    ]);
    expect(contact?.errorTable?.name).toMatch(/contact/);
    expect(pullSources({ streams: [] })).toHaveLength(JOBS.filter((j) => 'errorTable' in j).length);
  });
});
