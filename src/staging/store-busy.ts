/**
 * The embedded database (PGlite) is single-connection and takes no lock on its data directory:
 * a second process opening the same directory corrupts it (docs/staging.md, pglite#1106). sagesync
 * holds a pid lock file for as long as the store is open; a second opener gets this error, which
 * the runner reports as "skipped: another run holds the embedded database" (exit 0).
 *
 * Deliberately NOT a ServiceUnavailableError: nothing is down, another run is simply busy.
 */
export class StoreBusyError extends Error {
  readonly holderPid: number;
  /** The holder's host name as its lock file records it (null: a lock file without one). */
  readonly holderHost: string | null;
  readonly path: string;
  constructor(path: string, holderPid: number, holderHost: string | null = null) {
    // The host too: on a shared volume the pid alone points at the wrong machine.
    const who = holderHost === null ? `pid ${holderPid}` : `pid ${holderPid} on host ${holderHost}`;
    super(`Another sagesync process (${who}) holds the embedded database at ${path}.`);
    this.name = 'StoreBusyError';
    this.holderPid = holderPid;
    this.holderHost = holderHost;
    this.path = path;
  }
}
