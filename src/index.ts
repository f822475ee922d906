// Entry point and the ONE exit boundary (STYLE.md "One exit boundary"): the CLI returns a code,
// only this file hands it to the process.
import { exitCodeForSignal } from './cli/exit.js';
import { main } from './cli/main.js';

/**
 * SIGTERM, SIGINT and SIGHUP (issue 20). Node installs no handler for SIGTERM, and as PID 1 in a
 * container the kernel applies no default action either, so without these a pod deletion or
 * `activeDeadlineSeconds` waited out the grace period for a SIGKILL. The first signal aborts
 * `stop`: no new job or batch starts, the batch in flight commits or rolls back as a whole, the
 * locks are released and the command ends with 128 + the signal's number (143 for SIGTERM, 130
 * for SIGINT, 129 for SIGHUP). A second signal, or STOP_GRACE_MS without an end, exits at once
 * with the same code: the database server rolls back a transaction whose connection is gone.
 */
const STOP_GRACE_MS = 20_000;
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
const stop = new AbortController();
let received: (typeof SIGNALS)[number] | undefined;
const codeOf = exitCodeForSignal;

function onSignal(sig: (typeof SIGNALS)[number]): void {
  if (received) {
    process.stderr.write(`sagesync: ${sig} again: exiting at once (exit ${codeOf(received)}).\n`);
    process.exit(codeOf(received));
  }
  received = sig;
  stop.abort(sig);
  setTimeout(() => {
    process.stderr.write(
      `sagesync: still busy ${STOP_GRACE_MS / 1000} s after ${sig}: exiting (exit ${codeOf(sig)}); the database rolls back what was not committed.\n`,
    );
    process.exit(codeOf(sig));
  }, STOP_GRACE_MS).unref();
}
for (const sig of SIGNALS) process.on(sig, onSignal);

process.exitCode = await main(process.argv, undefined, stop.signal);

// Everything the command opened is closed by then (src/cli/runtime.ts). Should a library still
// hold the event loop (a socket a driver failed to release), a scheduled run must not linger
// and pile up under a one-minute cron: leave after a grace period that lets output flush.
setTimeout(() => {
  process.stderr.write('sagesync: a connection was still open after the command finished; exiting anyway.\n');
  process.exit();
}, 10_000).unref();
