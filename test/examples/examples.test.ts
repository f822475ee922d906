/**
 * The examples in examples/ are what operators copy: each one is checked here where a check is
 * possible (configs validate, YAML parses, schedules run the right command).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(root, 'examples');
const read = (name: string): string => readFileSync(join(examples, name), 'utf8');

/** Secrets the examples leave to the environment, as an operator would set them. */
const env = {
  SAGESYNC_ORO_CLIENT_SECRET: 'example-secret',
  SAGESYNC_STAGING_PASSWORD: 'example-password',
  SAGESYNC_NOTIFICATIONS_SMTP_PASSWORD: 'example-smtp-password',
};

const scratch = mkdtempSync(join(tmpdir(), 'sagesync-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Loads an example through the real loader (cosmiconfig, environment, *File secrets, validation).
 * TypeScript configs are compiled next to themselves, so each file is loaded from a scratch copy.
 */
function validate(name: string, secrets: Record<string, string> = env) {
  const dir = mkdtempSync(join(scratch, 'cfg-'));
  const file = join(dir, name.split('/').at(-1)!);
  copyFileSync(join(examples, name), file);
  return loadConfig({ configPath: file, cwd: dir, env: secrets });
}

describe('example configurations', () => {
  it('sagesync.yaml: PostgreSQL staging with every commonly used key', async () => {
    const config = await validate('sagesync.yaml');
    expect(config.staging.dialect).toBe('postgres');
    expect(config.staging.password).toBe('example-password');
    expect(config.notifications.smtp?.password).toBe('example-smtp-password');
    expect(config.staging.tls.enabled).toBe(true);
    expect(config.notifications.to.length).toBeGreaterThan(0);
    expect(config.orders.criteria).toEqual({ internalStatus: ['open'], poNumber: { exists: true } });
    expect(config.orderLines.customAttributes).toEqual({ comment: 'comment', priceType: 'priceType' });
    expect(config.monitoring.heartbeat).toEqual({
      url: 'https://hc-ping.com/your-check-uuid',
      timeoutMs: 5000,
    });
    expect(config.monitoring.textfile).toMatch(/\.prom$/);
  });

  it('cron, systemd and Kubernetes show where the heartbeat URL goes (issue 19)', () => {
    for (const f of ['crontab', 'systemd/sagesync.service', 'kubernetes/cronjob.yaml'])
      expect(read(f)).toContain('SAGESYNC_MONITORING_HEARTBEAT_URL');
  });

  it('sagesync.mssql.yaml: SQL Server with TLS and an SSH tunnel', async () => {
    const config = await validate('sagesync.mssql.yaml');
    expect(config.staging.dialect).toBe('mssql');
    expect(config.staging.tls).toMatchObject({ enabled: true, rejectUnauthorized: true });
    expect(config.staging.tls.caFile).toBeTruthy();
    expect(config.staging.sshTunnel?.hostKeySha256).toMatch(/^SHA256:/);
  });

  it('sagesync.embedded.yaml: the embedded demo default', async () => {
    const config = await validate('sagesync.embedded.yaml', { SAGESYNC_ORO_CLIENT_SECRET: 'x' });
    expect(config.staging.dialect).toBe('embedded');
    // A relative path is relative to the configuration file's directory.
    expect(config.staging.path).toMatch(/\/cfg-[^/]+\/\.sagesync\/staging$/);
  });

  it('sagesync.streams.yaml: two push streams (one in mode: full) and a pull stream (issues 8, 16)', async () => {
    const config = await validate('sagesync.streams.yaml', {
      SAGESYNC_ORO_CLIENT_SECRET: 'x',
      SAGESYNC_STAGING_PASSWORD: 'y',
    });
    expect(config.streams.map((s) => [s.name, s.direction])).toEqual([
      ['products', 'push'],
      ['contacts', 'push'],
      ['contact-ratings', 'pull'],
    ]);
  });

  it('sagesync.config.ts: an async criteria function', async () => {
    const config = await validate('sagesync.config.ts');
    expect(config.oro.clientSecret).toBe('example-secret');
    const criteria = config.orders.criteria;
    expect(typeof criteria).toBe('function');
    if (typeof criteria !== 'function') return;
    const order = (po: string | null, total: string, lines = 1) => ({
      order: { id: '1', type: 'orders', attributes: { poNumber: po, totalValue: total }, relationships: {} },
      lineItems: Array.from({ length: lines }, () => ({})),
      customer: null,
    });
    const verdict = criteria(order('PO-1', '789.0000'));
    expect(verdict).toBeInstanceOf(Promise);
    expect(await verdict).toBe(true);
    expect(await criteria(order(null, '789.0000'))).toBe(false);
    expect(await criteria(order('PO-BLOCKED-1', '789.0000'))).toBe(false);
    expect(await criteria(order('PO-2', '0.0000'))).toBe(false);
    expect(await criteria(order('PO-3', '10.0000', 0))).toBe(false);
  });
});

describe('scheduling examples', () => {
  it('crontab: one line every minute running sagesync run-all with its output logged', () => {
    const lines = read('crontab')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !/^[A-Z_]+=/.test(l));
    expect(lines).toHaveLength(1);
    const fields = lines[0]!.split(/\s+/);
    expect(fields.slice(0, 5)).toEqual(['*', '*', '*', '*', '*']);
    const command = fields.slice(5).join(' ');
    expect(command).toMatch(/(^|[;&|]\s*|\s)sagesync(\s+(-c|--config)\s+\S+)?\s+run-all(\s|$)/);
    expect(command).toMatch(/>>\s*\S+\s+2>&1/);
    expect(command).not.toMatch(/flock/);
  });

  it('kubernetes/cronjob.yaml: every minute, Forbid, a deadline, secrets as env and files', async () => {
    const docs = parseAllDocuments(read('kubernetes/cronjob.yaml')).map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    expect(docs.every((d) => d !== null)).toBe(true);
    const cronJob = docs.find((d) => d.kind === 'CronJob') as CronJob | undefined;
    expect(cronJob).toBeDefined();
    const spec = cronJob!.spec;
    expect(spec.schedule).toBe('* * * * *');
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
    expect(spec.startingDeadlineSeconds).toBeLessThan(60);
    const pod = spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0]!;
    expect(container.args).toContain('run-all');
    expect(container.resources.requests.memory).toMatch(/^\d+Mi$/);
    expect(parseInt(container.resources.requests.memory, 10)).toBeGreaterThanOrEqual(100);
    expect(container.resources.requests.cpu).toBeTruthy();
    const env = container.env.find((e) => e.name === 'SAGESYNC_ORO_CLIENT_SECRET');
    expect(env?.valueFrom?.secretKeyRef?.name).toBeTruthy();
    // The image's Node caps its own young generation (src/cli/young-generation.ts needs
    // process.execve, Node >= 22.15), so the CronJob needs no NODE_OPTIONS for it.
    const image = /^FROM node:(\d+)-slim$/m.exec(read('Dockerfile'))?.[1];
    expect(Number(image)).toBeGreaterThanOrEqual(24);
    expect(container.env.find((e) => e.name === 'NODE_OPTIONS')).toBeUndefined();
    const secretVolume = pod.volumes.find((v) => v.secret !== undefined);
    expect(secretVolume).toBeDefined();
    const mount = container.volumeMounts.find((m) => m.name === secretVolume!.name);
    expect(mount).toBeDefined();

    // The embedded configuration reads secrets from the mounted files.
    const configMap = docs.find((d) => d.kind === 'ConfigMap') as { data: Record<string, string> };
    const embedded = parseYaml(configMap.data['sagesync.yaml']!) as {
      staging: { passwordFile: string };
      notifications: { smtp: { passwordFile: string } };
    };
    expect(embedded.staging.passwordFile.startsWith(mount!.mountPath + '/')).toBe(true);
    expect(embedded.notifications.smtp.passwordFile.startsWith(mount!.mountPath + '/')).toBe(true);

    // Loaded as the pod would: the secret volume's files, the Oro secret from the environment.
    const dir = mkdtempSync(join(scratch, 'k8s-'));
    const secretDir = join(dir, 'secrets');
    mkdirSync(secretDir);
    writeFileSync(join(secretDir, 'staging-password'), 'from-secret-file\n');
    writeFileSync(join(secretDir, 'smtp-password'), 'smtp-from-secret-file\n');
    writeFileSync(
      join(dir, 'sagesync.yaml'),
      configMap.data['sagesync.yaml']!.split(mount!.mountPath).join(secretDir),
    );
    const config = await loadConfig({
      configPath: join(dir, 'sagesync.yaml'),
      cwd: dir,
      env: { SAGESYNC_ORO_CLIENT_SECRET: 'from-env' },
    });
    expect(config.oro.clientSecret).toBe('from-env');
    expect(config.staging.password).toBe('from-secret-file');
    expect(config.notifications.smtp?.password).toBe('smtp-from-secret-file');
    // A pod's host name changes every run: a fixed instance keeps one Pushgateway group.
    expect(config.monitoring.pushgateway).toMatchObject({ job: 'sagesync', instance: 'sagesync' });
    expect(read('kubernetes/cronjob.yaml')).not.toMatch(/TODO|FIXME|XXX/);
  });

  it('systemd: a oneshot service running run-all and a timer every minute', () => {
    const service = read('systemd/sagesync.service');
    const timer = read('systemd/sagesync.timer');
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^ExecStart=\S*sagesync\b.*\srun-all$/m);
    expect(timer).toMatch(/^OnCalendar=(\*-\*-\* \*:\*:00|minutely)$/m);
    expect(timer).toMatch(/^WantedBy=timers\.target$/m);
  });

  it('Dockerfile: production install, non-root, ENTRYPOINT sagesync (the rest: hardening.test.ts)', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const user = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(user.at(-1)).toBeDefined();
    expect(user.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile);
    expect(JSON.parse(entrypoint![1]!)).toEqual(['sagesync']);
  });
});

interface CronJob {
  spec: {
    schedule: string;
    concurrencyPolicy: string;
    startingDeadlineSeconds: number;
    jobTemplate: {
      spec: {
        template: {
          spec: {
            containers: {
              args: string[];
              env: {
                name: string;
                value?: string;
                valueFrom?: { secretKeyRef?: { name: string; key: string } };
              }[];
              resources: { requests: { cpu: string; memory: string } };
              volumeMounts: { name: string; mountPath: string }[];
            }[];
            volumes: { name: string; secret?: { secretName: string } }[];
          };
        };
      };
    };
  };
}
