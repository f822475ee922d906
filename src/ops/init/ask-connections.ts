/**
 * The questions of `sagesync init` about Oro, the staging database and e-mail. Each part is
 * tested as soon as it is answered (src/ops/init/steps.ts); a failed test is explained (which
 * check, and the fix with the Oro screen or the setting) and the part is asked again, with the
 * earlier answers as defaults and the secret typed anew.
 */
import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';
import { formatChecks } from '../test-connection.js';
import { answer, removeAnswer, setAnswer, validateAnswers, type Answers } from './answers.js';
import type { Prompter } from './prompter.js';
import { testPart, type InitDeps, type PartResult } from './steps.js';

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const portText = (v: string): true | string =>
  /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? true : 'A port number, 1 to 65535.';
const required = (v: string): true | string => (v.trim() !== '' ? true : 'This one is needed.');

async function ask(
  p: Prompter,
  a: Answers,
  key: string,
  message: string,
  o: { validate?: (v: string) => true | string; fallback?: string } = {},
): Promise<string> {
  const def = str(answer(a, key)) ?? o.fallback;
  const v = (
    await p.input(message, {
      ...(def !== undefined ? { default: def } : {}),
      ...(o.validate ? { validate: o.validate } : {}),
    })
  ).trim();
  if (v === '') removeAnswer(a, key);
  else setAnswer(a, key, v);
  return v;
}

/** Validates the answers so far and tests `part`; says what failed. Null: ask again. */
async function tested(
  deps: InitDeps,
  a: Answers,
  part: 'oro' | 'database' | 'smtp',
): Promise<{ config: Config; result: PartResult } | null> {
  let config: Config;
  try {
    config = await validateAnswers(a, deps.cwd);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    deps.say('That answer is not usable:');
    for (const pr of err.problems) deps.say(`  ✗ ${pr.path}: ${pr.message}`);
    return null;
  }
  deps.say('Testing…');
  const result = await testPart(deps, config, part, { beforeMigrate: part === 'database' });
  const shown = result.checks.filter(
    (c) =>
      c.name !== 'configuration' && !(part === 'database' && ['schema version', 'rights'].includes(c.name)),
  );
  for (const line of formatChecks({ ok: result.ok, checks: shown })) deps.say(line);
  if (!result.ok) deps.say('That did not work (the fix is under the ✗ line above). Please answer again:');
  return { config, result };
}

export async function askOro(deps: InitDeps, p: Prompter, a: Answers): Promise<Config> {
  deps.say('');
  deps.say(
    'Oro: the back-office OAuth application sagesync signs in with (System › User Management › OAuth Applications, grant "Client Credentials").',
  );
  for (let retry = false; ; retry = true) {
    await ask(p, a, 'oro.url', 'Oro URL (the shop address, e.g. https://shop.example.com)', {
      validate: required,
    });
    await ask(p, a, 'oro.clientId', 'OAuth client id', { validate: required });
    if (retry || answer(a, 'oro.clientSecret') === undefined)
      setAnswer(a, 'oro.clientSecret', await p.secret('OAuth client secret'));
    await ask(p, a, 'oro.creditLimitField', 'Customer attribute that receives the X3 credit limit', {
      fallback: 'creditLimit',
    });
    const t = await tested(deps, a, 'oro');
    if (t?.result.ok) return t.config;
  }
}

export async function askStaging(deps: InitDeps, p: Prompter, a: Answers): Promise<Config> {
  deps.say('');
  deps.say('Staging database: the tables sagesync and Sage X3 share.');
  for (let retry = false; ; retry = true) {
    const dialect = await p.select(
      'Which database?',
      [
        { name: 'SQL Server (the X3 database server)', value: 'mssql' },
        { name: 'PostgreSQL', value: 'postgres' },
        { name: 'Embedded (a trial on this machine, no server)', value: 'embedded' },
      ],
      (str(answer(a, 'staging.dialect')) as 'mssql' | 'postgres' | 'embedded' | undefined) ?? 'mssql',
    );
    setAnswer(a, 'staging.dialect', dialect);
    if (dialect === 'embedded') {
      for (const k of ['url', 'host', 'port', 'database', 'user', 'password', 'schema', 'tls', 'sshTunnel'])
        removeAnswer(a, `staging.${k}`);
      await ask(p, a, 'staging.path', 'Folder of the embedded database', { fallback: '.sagesync/staging' });
    } else {
      removeAnswer(a, 'staging.path');
      removeAnswer(a, 'staging.url');
      await ask(p, a, 'staging.host', 'Database server host', { validate: required });
      setAnswer(
        a,
        'staging.port',
        Number(
          await p.input('Port', {
            default: str(answer(a, 'staging.port')) ?? (dialect === 'mssql' ? '1433' : '5432'),
            validate: portText,
          }),
        ),
      );
      await ask(p, a, 'staging.database', 'Database name', { validate: required });
      await ask(p, a, 'staging.user', 'Database user', { validate: required });
      if (retry || answer(a, 'staging.password') === undefined)
        setAnswer(a, 'staging.password', await p.secret('Database password'));
      await ask(
        p,
        a,
        'staging.schema',
        `Schema of the staging tables (empty: ${dialect === 'mssql' ? 'dbo' : 'public'})`,
      );
      const tls = await p.confirm(
        'Encrypt the connection (TLS)?',
        answer(a, 'staging.tls.enabled') !== false,
      );
      setAnswer(a, 'staging.tls.enabled', tls);
      if (tls) {
        const verify = await p.confirm(
          'Verify the server certificate?',
          answer(a, 'staging.tls.rejectUnauthorized') !== false,
        );
        setAnswer(a, 'staging.tls.rejectUnauthorized', verify);
        await ask(
          p,
          a,
          'staging.tls.caFile',
          'PEM file of a private certificate authority (empty: the system ones)',
        );
      } else {
        removeAnswer(a, 'staging.tls.rejectUnauthorized');
        removeAnswer(a, 'staging.tls.caFile');
      }
      if (
        await p.confirm(
          'Reach the database through an SSH tunnel?',
          answer(a, 'staging.sshTunnel') !== undefined,
        )
      ) {
        await ask(p, a, 'staging.sshTunnel.host', 'SSH server (bastion) host', { validate: required });
        await ask(p, a, 'staging.sshTunnel.username', 'SSH user', { validate: required });
        await ask(p, a, 'staging.sshTunnel.privateKeyFile', 'Private key file', { validate: required });
        await ask(
          p,
          a,
          'staging.sshTunnel.hostKeySha256',
          "The SSH server's host key fingerprint (SHA256:…, from ssh-keygen -lf)",
          { validate: required },
        );
      } else removeAnswer(a, 'staging.sshTunnel');
    }
    const t = await tested(deps, a, 'database');
    if (t?.result.ok) return t.config;
  }
}

export async function askNotifications(deps: InitDeps, p: Prompter, a: Answers): Promise<Config> {
  deps.say('');
  deps.say('E-mail: who hears about records that cannot be staged, rows X3 rejected, a job that cannot run.');
  for (;;) {
    const to = (
      await p.input('E-mail addresses (comma-separated; empty: no e-mails)', {
        default: ((answer(a, 'notifications.to') as string[] | undefined) ?? []).join(', '),
      })
    )
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (to.length === 0) {
      removeAnswer(a, 'notifications');
      return validateAnswers(a, deps.cwd);
    }
    setAnswer(a, 'notifications.to', to);
    await ask(p, a, 'notifications.smtp.host', 'SMTP server host', { validate: required });
    setAnswer(
      a,
      'notifications.smtp.port',
      Number(
        await p.input('SMTP port (587 STARTTLS, 465 TLS)', {
          default: str(answer(a, 'notifications.smtp.port')) ?? '587',
          validate: portText,
        }),
      ),
    );
    setAnswer(a, 'notifications.smtp.secure', answer(a, 'notifications.smtp.port') === 465);
    const user = await ask(p, a, 'notifications.smtp.user', 'SMTP user (empty: no login)');
    if (user)
      setAnswer(a, 'notifications.smtp.password', await p.secret('SMTP password', { allowEmpty: true }));
    else removeAnswer(a, 'notifications.smtp.password');
    await ask(p, a, 'notifications.from', 'Sender address (empty: the SMTP user, else sagesync@<SMTP host>)');
    const t = await tested(deps, a, 'smtp');
    if (t?.result.ok) return t.config;
  }
}
