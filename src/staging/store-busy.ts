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
  readonly path: string;
  constructor(path: string, holderPid: number) {
    super(`Another sagesync process (pid ${holderPid}) holds the embedded database at ${path}.`);
    this.name = 'StoreBusyError';
    this.holderPid = holderPid;
    this.path = path;
  }
}
