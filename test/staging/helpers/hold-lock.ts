/**
 * Child process for the lock tests: opens the store with the config given as JSON in argv[2],
 * takes the job lock argv[3] (unless "-"), prints "ready" and waits to be killed.
 */
import { openStore } from '../../../src/staging/open-store.js';

const config = JSON.parse(process.argv[2] ?? '{}');
const lockName = process.argv[3] ?? '-';
const store = await openStore(config);
if (lockName !== '-') {
  const lock = await store.tryLock(lockName);
  if (!lock) {
    process.stdout.write('refused\n');
    await store.close();
    process.exit(2);
  }
}
process.stdout.write('ready\n');
setInterval(() => undefined, 1 << 30);
