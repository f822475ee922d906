import type { NodeProcess } from '../../src/cli/heap-tuning.js';

/** A `process` for src/cli/heap-tuning.ts whose execve must not be reached unless a test says so. */
export const fakeNodeProcess = (over: Partial<NodeProcess> = {}): NodeProcess => ({
  execPath: '/opt/node/bin/node',
  execArgv: ['--enable-source-maps'],
  argv: ['/opt/node/bin/node', '/opt/sagesync/bin/sagesync', 'run-all', '-c', 'x.yaml'],
  env: {},
  execve: () => {
    throw new Error('not called');
  },
  ...over,
});
