import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    tags: [
      {
        name: 'hostile',
        description:
          'Feeds sagesync what an attacker or a broken server, file or disk could: it must be handled cleanly (docs/testing.md).',
      },
    ],
  },
});
