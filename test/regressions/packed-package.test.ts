/**
 * Issue 20, defect 3: a package packed from a clean checkout did not run (no dist/: exit 70),
 * shipped source maps pointing at an unshipped src/, no man pages for `man sagesync`, and help
 * text pointing at docs/*.md that were not in it. This does what an operator does: the files a
 * clean clone has (git's tracked and new files: no dist/, no node_modules/), `npm pack` (its
 * prepack builds), `npm install -g` of the tarball into a temporary prefix, then the installed
 * `sagesync --version`, `--help`, a command, `man sagesync` and `man 5 sagesync-config`, and every
 * file the help names must exist. Prints the tarball's size and file count and the install size.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../tools/sandbox/index.js';
import { ROOT } from '../cli/helpers.js';
import { randomSchema } from '../staging/helpers/backends.js';

const git = spawnSync('git', ['-C', ROOT, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
const hasMan = spawnSync('man', ['--version'], { stdio: 'ignore' }).status === 0;
if (git.status !== 0)
  console.warn('packed-package.test.ts: not a git checkout: the clean-clone install did not run');
if (!hasMan)
  console.warn(
    'packed-package.test.ts: `man` is not installed (apt-get install man-db): man pages not rendered',
  );

const work = mkdtempSync(join(tmpdir(), 'sagesync-pack-'));
const clone = join(work, 'clone');
const prefix = join(work, 'prefix');
let tarball = '';
let installed = '';
// The install is some 130 MB of small files: a loaded disk needs more than the default hook timeout.
afterAll(() => rmSync(work, { recursive: true, force: true }), 300_000);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; name: string };
const run = (file: string, args: string[], cwd = work) =>
  spawnSync(file, args, { cwd, encoding: 'utf8', env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '80' } });

describe.skipIf(git.status !== 0)('the packed package, installed with npm install -g', () => {
  beforeAll(() => {
    // What a clean clone holds: tracked files and new, not ignored ones (so uncommitted work is tested too).
    const files = execFileSync('git', ['-C', ROOT, 'ls-files', '-co', '--exclude-standard', '-z'], {
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => f !== '' && existsSync(join(ROOT, f)));
    for (const f of files) {
      mkdirSync(dirname(join(clone, f)), { recursive: true });
      cpSync(join(ROOT, f), join(clone, f));
    }
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    // The build tools of `npm ci`, without fetching them again.
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], clone);
    expect(packed.status, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
      filename: string;
      size: number;
      unpackedSize: number;
      entryCount: number;
      files: { path: string }[];
    }[];
    tarball = join(work, info!.filename);
    const paths = info!.files.map((f) => f.path);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('man/sagesync.1');
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(paths.filter((p) => /^dist\/(sandbox|x3sim|bench|chaos|demo)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => /^(tools|dist-tools)\//.test(p))).toEqual([]);
    const install = run('npm', [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
    ]);
    expect(install.status, install.stderr).toBe(0);
    installed = join(prefix, 'lib', 'node_modules', pkg.name);
    const kb = Number(execFileSync('du', ['-sk', installed], { encoding: 'utf8' }).split('\t')[0]);
    console.log(
      `packed-package: tarball ${(info!.size / 1024).toFixed(0)} KB, ${info!.entryCount} files (${(info!.unpackedSize / 1024).toFixed(0)} KB unpacked); installed with dependencies ${(kb / 1024).toFixed(1)} MB`,
    );
  }, 300_000);

  const bin = () => join(prefix, 'bin', 'sagesync');

  it('sagesync --version and a command that loads its dependencies', () => {
    const v = run(bin(), ['--version']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const ddl = run(bin(), ['migrate', '--print', '--dialect', 'mssql']);
    expect(ddl.status, ddl.stderr).toBe(0);
    expect(ddl.stdout).toMatch(/CREATE TABLE/);
    // The completion script is generated from the installed program, and bash accepts it.
    const completion = run(bin(), ['completion', 'bash']);
    expect(completion.status, completion.stderr).toBe(0);
    const checked = spawnSync('bash', ['-n'], { input: completion.stdout, encoding: 'utf8' });
    expect(checked.status, checked.stderr).toBe(0);
    expect(completion.stdout).toContain("'config') args='show validate'");
  });

  it('--help of every command works and every file it names is in the package', () => {
    const top = run(bin(), ['--help']);
    expect(top.status, top.stderr).toBe(0);
    let text = top.stdout;
    for (const command of [...top.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!)) {
      const h = run(bin(), [command, '--help']);
      expect(h.status, `${command} --help: ${h.stderr}`).toBe(0);
      text += h.stdout;
    }
    expect(text).toContain('man 5 sagesync-config');
    const named = [
      ...text.replace(/\n\s*/g, ' ').matchAll(/(\/\S+?\/(?:docs|examples)\/[\w/.-]+?)[.,)]?(?:\s|$)/g),
    ].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    for (const file of named) {
      expect(file.startsWith(installed), file).toBe(true);
      expect(existsSync(file), file).toBe(true);
    }
  });

  it.skipIf(!hasMan)('man sagesync and man 5 sagesync-config, from the prefix npm linked them into', () => {
    const manpath = join(prefix, 'share', 'man');
    const one = run('man', ['-M', manpath, 'sagesync']);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/sagesync - /);
    const five = run('man', ['-M', manpath, '5', 'sagesync-config']);
    expect(five.status, five.stderr).toBe(0);
    expect(five.stdout).toContain('oro.url');
    // What the pages name in the package is there.
    for (const page of [one.stdout, five.stdout]) {
      for (const m of page.matchAll(/docs\/[\w-]+\.md/g))
        expect(existsSync(join(installed, m[0])), m[0]).toBe(true);
    }
  });

  it('from npm install -g to staged orders with sagesync init alone (issue 22)', async () => {
    const client = { clientId: 'packed', clientSecret: 'packed-secret' };
    const sandbox = await startSandbox({ clients: [client], seed: { orders: 8, seed: 2 } });
    const pgUrl = process.env.SAGESYNC_TEST_PG_URL;
    const schema = randomSchema('packed');
    // Async: the sandbox answers from this process while the installed CLI runs.
    const sagesync = (args: string[], cwd: string, env: Record<string, string> = {}) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(bin(), args, { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    try {
      const cwd = mkdtempSync(join(work, 'init-'));
      const staging: Record<string, string> = pgUrl
        ? {
            SAGESYNC_STAGING_DIALECT: 'postgres',
            SAGESYNC_STAGING_URL: pgUrl,
            SAGESYNC_STAGING_SCHEMA: schema,
            SAGESYNC_STAGING_TLS_ENABLED: 'false',
          }
        : { SAGESYNC_STAGING_DIALECT: 'embedded' };
      const answers = {
        SAGESYNC_ORO_URL: sandbox.url,
        SAGESYNC_ORO_CLIENT_ID: client.clientId,
        SAGESYNC_ORO_CLIENT_SECRET: client.clientSecret,
        ...staging,
      };
      const init = await sagesync(['init', '--non-interactive', '--schedule', 'crontab'], cwd, answers);
      expect(init.code, init.stderr + init.stdout).toBe(0);
      expect(init.stdout).toContain(`'${bin()}' --config`);
      // The written file alone, found in the folder as cron would find it.
      const run = await sagesync(['run-all', '--json'], cwd);
      expect(run.code, run.stderr).toBe(0);
      const jobs = (
        JSON.parse(run.stdout) as { result: { jobs: { job: string; counts: { written: number } }[] } }
      ).result.jobs;
      expect(jobs.find((j) => j.job === 'push-orders')?.counts.written).toBe(8);
    } finally {
      await sandbox.close();
      if (pgUrl) {
        const { BACKENDS } = await import('../staging/helpers/backends.js');
        await BACKENDS.find((b) => b.name === 'postgres')?.dropSchema(schema);
      }
    }
  }, 180_000);
});
