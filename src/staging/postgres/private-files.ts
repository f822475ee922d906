/**
 * The embedded database holds customers' names, addresses and e-mails: its directory and files
 * are for this user only (0700 / 0600) whatever the umask. PGlite creates its files through
 * Node's fs with the default mode (0666 less the umask), and keeps creating them while it runs
 * (WAL segments, new tables), so the process umask is narrowed for good, and what an earlier
 * run left more open is tightened when the database is opened.
 */
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Group and others get nothing on files this process creates from now on. */
export function restrictUmask(): void {
  process.umask(process.umask() | 0o077);
}

/** Directories 0700 and files 0600 under `root` (links are not followed); best effort. */
export function tightenTree(root: string): void {
  let st;
  try {
    st = lstatSync(root);
  } catch {
    return; // not created yet
  }
  if (st.isSymbolicLink()) return;
  const want = st.isDirectory() ? 0o700 : 0o600;
  if ((st.mode & 0o777) !== want) {
    try {
      chmodSync(root, want);
    } catch {
      /* not ours to change: the warning is the operator's umask, nothing to do here */
    }
  }
  if (st.isDirectory()) for (const name of readdirSync(root)) tightenTree(join(root, name));
}
