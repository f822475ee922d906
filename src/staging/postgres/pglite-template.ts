/**
 * Creating a PGlite database runs initdb inside WebAssembly, which costs seconds (tens of
 * seconds on a loaded machine). Loading a dump of a freshly initialised cluster
 * (`loadDataDir`, PGlite docs "api.md") skips initdb and is several times faster. The first
 * fresh database made by this PGlite version is dumped into a per-user cache and every later
 * fresh database (the demo's temp dir, each test's `memory://` store) starts from it.
 * Existing data directories are opened as they are.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { restrictUmask, tightenTree } from './private-files.js';

function pgliteVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `$SAGESYNC_CACHE_DIR`, else `$XDG_CACHE_HOME/sagesync`, else `~/.cache/sagesync`. */
function templateFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.SAGESYNC_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sagesync');
  return join(dir, `pglite-${pgliteVersion()}-template.tar.gz`);
}

function isFresh(path: string): boolean {
  return path.startsWith('memory://') || !existsSync(join(path, 'PG_VERSION'));
}

export async function createPglite(path: string, options: PGliteOptions): Promise<PGlite> {
  if (path.startsWith('memory://')) return open(path, options);
  restrictUmask();
  const db = await open(path, options);
  // PGlite's file system gives its files 0666 whatever mode PostgreSQL asks for: tightened
  // here and at close (PgliteDriver); the 0700 directory keeps others out in between.
  tightenTree(path);
  return db;
}

async function open(path: string, options: PGliteOptions): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (!isFresh(path)) return PGlite.create(path, options);
  const file = templateFile();
  if (existsSync(file)) {
    try {
      return await PGlite.create({ ...options, dataDir: path, loadDataDir: new Blob([readFileSync(file)]) });
    } catch {
      // A damaged or foreign template: fall back to initdb below, which rewrites it.
    }
  }
  const db = await PGlite.create(path, options);
  await saveTemplate(db, file);
  return db;
}

/** Best effort: a read-only home only costs speed, never correctness. */
async function saveTemplate(db: PGlite, file: string): Promise<void> {
  try {
    const dump = await db.dumpDataDir('gzip');
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    /* ignored: see above */
  }
}
