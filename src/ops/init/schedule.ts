/**
 * The exact text that schedules `sagesync run-all` every minute for the setup `sagesync init`
 * wrote: a crontab line, a systemd service and timer, or a Kubernetes CronJob (the full examples,
 * with their reasons, are in examples/crontab, examples/systemd/ and examples/kubernetes/).
 */
import path from 'node:path';
import { ENV_FILE, SECRETS_DIR } from './write-plan.js';

export type Scheduler = 'crontab' | 'systemd' | 'kubernetes';

export interface ScheduleInput {
  scheduler: Scheduler;
  /** Absolute path of the configuration file written. */
  configPath: string;
  /** How this sagesync was started: the node binary and the sagesync script. */
  node: string;
  bin: string;
  secrets: 'files' | 'env' | 'none';
}

export interface Schedule {
  /** What to do with the files, one line each. */
  steps: string[];
  /** File name → content (one for crontab and Kubernetes, two for systemd). */
  files: { name: string; content: string }[];
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function schedule(input: ScheduleInput): Schedule {
  const dir = path.dirname(input.configPath);
  const envFile = path.join(dir, ENV_FILE);
  const command = `${q(input.node)} ${q(input.bin)} --config ${q(input.configPath)} run-all`;
  switch (input.scheduler) {
    case 'crontab': {
      const load = input.secrets === 'env' ? `set -a && . ${q(envFile)} && set +a && ` : '';
      const line = `* * * * * cd ${q(dir)} && ${load}${command} >> ${q(path.join(dir, '.sagesync', 'cron.log'))} 2>&1`;
      return {
        steps: ['Add this line with "crontab -e" as the user who ran sagesync init:'],
        files: [{ name: 'sagesync.crontab', content: `${line}\n` }],
      };
    }
    case 'systemd': {
      const service = [
        '[Unit]',
        'Description=sagesync: OroCommerce <-> Sage X3 staging-table sync',
        'Wants=network-online.target',
        'After=network-online.target',
        '',
        '[Service]',
        'Type=oneshot',
        `WorkingDirectory=${dir}`,
        ...(input.secrets === 'env' ? [`EnvironmentFile=${envFile}`] : []),
        `ExecStart=${input.node} ${input.bin} --config ${input.configPath} run-all`,
        'TimeoutStartSec=120',
        '# Exit 1 (some records failed) is e-mailed; the unit is not failed for it.',
        'SuccessExitStatus=1',
        '',
      ].join('\n');
      const timer = [
        '[Unit]',
        'Description=Run sagesync every minute',
        '',
        '[Timer]',
        'OnCalendar=*-*-* *:*:00',
        'AccuracySec=1s',
        '',
        '[Install]',
        'WantedBy=timers.target',
        '',
      ].join('\n');
      return {
        steps: [
          'Copy both units to /etc/systemd/system/ (add User= for the account that owns the files), then:',
          'systemctl daemon-reload && systemctl enable --now sagesync.timer',
        ],
        files: [
          { name: 'sagesync.service', content: service },
          { name: 'sagesync.timer', content: timer },
        ],
      };
    }
    case 'kubernetes': {
      const name = path.basename(input.configPath);
      const secretStep =
        input.secrets === 'env'
          ? `kubectl create secret generic sagesync --from-env-file=${envFile}`
          : input.secrets === 'files'
            ? `kubectl create secret generic sagesync --from-file=${path.join(dir, SECRETS_DIR)}/`
            : '';
      const secretMount =
        input.secrets === 'files'
          ? {
              mount: `                - { name: secrets, mountPath: /etc/sagesync/${SECRETS_DIR}, readOnly: true }`,
              volume: '            - { name: secrets, secret: { secretName: sagesync, defaultMode: 0400 } }',
            }
          : undefined;
      const manifest = [
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: { name: sagesync }',
        'spec:',
        "  schedule: '* * * * *'",
        '  concurrencyPolicy: Forbid',
        '  startingDeadlineSeconds: 30',
        '  jobTemplate:',
        '    spec:',
        '      backoffLimit: 0',
        '      activeDeadlineSeconds: 120',
        '      template:',
        '        spec:',
        '          restartPolicy: Never',
        '          containers:',
        '            - name: sagesync',
        '              image: registry.example.com/sagesync:0.1.0 # built from examples/Dockerfile',
        `              args: ['--config', '/etc/sagesync/${name}', 'run-all']`,
        ...(input.secrets === 'env' ? ['              envFrom: [{ secretRef: { name: sagesync } }]'] : []),
        '              volumeMounts:',
        `                - { name: config, mountPath: /etc/sagesync/${name}, subPath: ${name} }`,
        ...(secretMount ? [secretMount.mount] : []),
        '          volumes:',
        '            - { name: config, configMap: { name: sagesync-config } }',
        ...(secretMount ? [secretMount.volume] : []),
        '',
      ].join('\n');
      return {
        steps: [
          `kubectl create configmap sagesync-config --from-file=${name}=${input.configPath}`,
          ...(secretStep ? [secretStep] : []),
          'kubectl apply -f sagesync-cronjob.yaml   # this manifest',
        ],
        files: [{ name: 'sagesync-cronjob.yaml', content: manifest }],
      };
    }
  }
}
