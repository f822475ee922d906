// Entry point and the ONE exit boundary (STYLE.md "One exit boundary"): the CLI returns a code,
// only this file hands it to the process.
import { main } from './cli/main.js';

process.exitCode = await main(process.argv);

// Everything the command opened is closed by then (src/cli/runtime.ts). Should a library still
// hold the event loop (a socket a driver failed to release), a scheduled run must not linger
// and pile up under a one-minute cron: leave after a grace period that lets output flush.
setTimeout(() => {
  process.stderr.write('sagesync: a connection was still open after the command finished; exiting anyway.\n');
  process.exit();
}, 10_000).unref();
