import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: vitest's default (cores - 1) runs the files one at a time here, 9 min where this is under 6.
    maxWorkers: 2,
    setupFiles: ['test/support/quiet-logs.ts'],
    // A directory for the run, where files share what is costly to build (the proxy's world: test/support/run-snapshot.ts).
    globalSetup: ['test/support/run-dir.ts'],
  },
});
