/**
 * What `sagesync init` writes, without Oro or a database: the YAML reads back through the loader
 * as the same values (quotes, `#`, colons, unicode), secrets land in 0600 files or an environment
 * file, a failed write leaves the folder as it was, and the scheduling text is what cron, systemd
 * and Kubernetes take.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfigDetailed } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { schedule } from '../../src/ops/init/schedule.js';
import { applyWrite, planWrite } from '../../src/ops/init/write-plan.js';
import { tempDir } from '../config/helpers.js';

const TRICKY = {
  oro: {
    url: 'https://shop.example.com/b2b?x=1#frag',
    clientId: `id: with "quotes", 'single', # hash, ünïcode 🚀`,
    clientSecret: `s3cr3t: "#' \\ ü`,
  },
  staging: {
    dialect: 'postgres',
    url: 'postgres://sync%40erp:p%40ss%3Aword@db.example.com:5433/erp?sslmode=require',
    schema: 'x3_staging',
    tls: { enabled: true, rejectUnauthorized: false },
  },
  notifications: { to: ['a@example.com', 'b@example.com'], smtp: { host: 'smtp.example.com', port: 465 } },
  orders: { criteria: { internalStatus: ['open', 'pending'] } },
};
const header = ['written by a test'];
const now = new Date('2026-12-07T04:00:00Z');

describe('sagesync init: the files it writes', () => {
  it('the YAML reads back through the loader as the same values; secrets in 0600 files only', async () => {
    const dir = tempDir();
    const configPath = join(dir, '.sagesyncrc.yaml');
    const plan = planWrite(TRICKY, { configPath, secrets: 'files', header });
    applyWrite(plan, { force: false, now });
    const text = readFileSync(configPath, 'utf8');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('p%40ss');
    expect(text).toMatch(/^ {2}# Base URL of the OroCommerce application/m);
    const { config } = await loadConfigDetailed({ configPath, env: {}, cwd: tempDir() });
    expect(config.oro).toMatchObject(TRICKY.oro);
    // The URL's password moved to its own file; the loader joins them again.
    expect(config.staging.url).toBe('postgres://sync%40erp@db.example.com:5433/erp?sslmode=require');
    expect(config.staging.password).toBe('p@ss:word');
    expect(config.staging.tls).toMatchObject({ enabled: true, rejectUnauthorized: false });
    expect(config.notifications.to).toEqual(TRICKY.notifications.to);
    expect(config.orders.criteria).toEqual(TRICKY.orders.criteria);
    for (const f of readdirSync(join(dir, '.sagesync/secrets')))
      expect(statSync(join(dir, '.sagesync/secrets', f)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.sagesync')).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(['.sagesync', '.sagesyncrc.yaml']); // no private folder left
  });

  it('secrets as variables: a 0600 environment file; a value it cannot hold is refused', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'sagesync.yaml');
    const answers = { ...TRICKY, oro: { ...TRICKY.oro, clientSecret: 'plain-secret' } };
    const plan = planWrite(answers, { configPath, secrets: 'env', header });
    applyWrite(plan, { force: false, now });
    const envFile = join(dir, '.sagesync/secrets.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, 'utf8')).toContain("SAGESYNC_ORO_CLIENT_SECRET='plain-secret'");
    const { config } = await loadConfigDetailed({ configPath, env: plan.secretEnv(), cwd: dir });
    expect(config.oro.clientSecret).toBe('plain-secret');
    expect(config.staging.password).toBe('p@ss:word');
    expect(() => planWrite(TRICKY, { configPath, secrets: 'env', header })).toThrow(ConfigError);
  });

  it('a write that fails half-way leaves the folder as it was, the old file in place', () => {
    const dir = tempDir();
    const configPath = join(dir, '.sagesyncrc.yaml');
    writeFileSync(configPath, 'old: true\n');
    // The DDL's place is taken by a folder: its rename fails after the secrets were placed.
    mkdirSync(join(dir, 'staging.sql'));
    const plan = planWrite(TRICKY, { configPath, secrets: 'files', header });
    plan.files.splice(plan.files.length - 1, 0, {
      path: join(dir, 'staging.sql'),
      content: 'CREATE TABLE x ();\n',
      mode: 0o644,
    });
    expect(() => applyWrite(plan, { force: true, now })).toThrow();
    expect(readFileSync(configPath, 'utf8')).toBe('old: true\n');
    expect(readdirSync(join(dir, '.sagesync/secrets'))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['.sagesync', '.sagesyncrc.yaml', 'staging.sql']);
  });

  it('the scheduling text: a crontab line, systemd units, a CronJob that validates', () => {
    const input = {
      configPath: '/srv/sync/.sagesyncrc.yaml',
      node: '/usr/bin/node',
      bin: '/opt/s/bin/sagesync',
    };
    const cron = schedule({ ...input, scheduler: 'crontab', secrets: 'env' }).files[0]!.content;
    expect(cron).toMatch(
      /^\* \* \* \* \* cd '\/srv\/sync' && set -a && \. '\/srv\/sync\/\.sagesync\/secrets\.env'/,
    );
    expect(cron).toContain("'/opt/s/bin/sagesync' --config '/srv/sync/.sagesyncrc.yaml' run-all");
    const systemd = schedule({ ...input, scheduler: 'systemd', secrets: 'env' }).files;
    expect(systemd.map((f) => f.name)).toEqual(['sagesync.service', 'sagesync.timer']);
    expect(systemd[0]!.content).toContain('EnvironmentFile=/srv/sync/.sagesync/secrets.env');
    expect(systemd[1]!.content).toContain('OnCalendar=*-*-* *:*:00');
    for (const secrets of ['files', 'env'] as const) {
      const k8s = schedule({ ...input, scheduler: 'kubernetes', secrets });
      const docs = parseAllDocuments(k8s.files[0]!.content).map((d) => d.toJS() as Record<string, unknown>);
      expect(docs).toHaveLength(1);
      const job = new CronJob(docs[0]);
      expect(() => job.validate()).not.toThrow();
      expect(job.spec?.schedule).toBe('* * * * *');
    }
  });
});
