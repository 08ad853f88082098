import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that start a stack (it sets process.env and the wiring's singletons), run the real clients against one, or
 * change process-wide state themselves (spies, environment, log sinks, module mocks): each runs in a fresh process,
 * as vitest does by default. Every other test file shares its worker's process with the files before it (the
 * `unit` project): a new file that changes process-wide state must be listed here.
 */
const ISOLATED = [
  'test/e2e/**',
  'test/integration/**',
  'test/resilience/**',
  'test/hostile/**',
  'test/deploy/**',
  'test/bin/**',
  'test/local/{env-cli,function-url-server,token-cli}.test.ts',
  'test/shared/adapters/{region-clients,s3-*,sts-*,kms-*}.test.ts',
  'test/shared/adapters/audit-stream.test.ts',
  'test/shared/adapters/dynamodb/{access-key-store,audit-log,volume-repository}.test.ts',
  'test/events.test.ts',
  'test/functions/lazy-wiring.test.ts',
  'test/functions/node-front-metrics.test.ts',
  'test/fuzz/proxy.fuzz.test.ts',
  'test/local/aws/iam/query-protocol.test.ts',
  'test/local/aws/kms/**',
  'test/shared/log-redaction.test.ts',
  'test/shared/auth/token-verifier-cache.test.ts',
  'test/shared/sigv4/s3-client.test.ts',
  'test/shared/wiring/**',
  'test/shared/volumes/revoke-sessions.test.ts',
].map((glob) => (glob.endsWith('**') ? `${glob}/*.test.ts` : glob));

/**
 * Starts the longest test files first, so none of them is the run's tail while the other workers sit idle.
 * vitest's own order is by the durations it cached in a previous run, and by file size where it has none: on a
 * clean clone (CI) that starts the many short unit files first and leaves the end-to-end files, which run for
 * 20 to 110 s each, to the end. Here the files named below come first, in this order (the longest measured
 * first), then every end-to-end, deploy, resilience and integration file, then the rest, each group in vitest's order.
 */

const LONGEST = [
  'test/e2e/proxy-clients.test.ts',
  'test/e2e/guides.test.ts',
  'test/e2e/gateway-oidc.test.ts',
  'test/e2e/prefix-scopes-guide.test.ts',
  'test/e2e/credential-process.test.ts',
  // Reads the package guides.test.ts's docs/deploying.md run makes (packaged-service.ts): seconds once that is done.
  'test/deploy/packaged-functions.test.ts',
  'test/e2e/browser.test.ts',
];
const SLOW_FOLDERS = ['test/e2e/', 'test/deploy/', 'test/resilience/', 'test/integration/'];

function rank(file: string): number {
  const named = LONGEST.findIndex((path) => file.endsWith(path));
  if (named >= 0) return named;
  return SLOW_FOLDERS.some((folder) => file.includes(`/${folder}`)) ? LONGEST.length : LONGEST.length + 1;
}

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    // Array.prototype.sort is stable: within a rank, vitest's order stays.
    return ordered.sort((a, b) => rank(a.moduleId) - rank(b.moduleId));
  }
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // On CI a dot per test, then failures and the summary: the default reporter lists every file and slow test.
    reporters: process.env.CI ? ['dot'] : ['default'],
    // Three on two cores: vitest's default (cores - 1) runs the files one at a time here; the end-to-end files wait
    // on child processes (aws cli, rclone, Chromium) often enough that a third worker saves ~7 % (8.0 -> 7.5 min).
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
    setupFiles: ['test/support/quiet-logs.ts'],
    // A directory for the run, where files share what is costly to build (the proxy's world: test/support/run-snapshot.ts).
    globalSetup: ['test/support/run-dir.ts'],
    projects: [
      // Projects run in name order on the same two workers: the long isolated files first, the short unit files last.
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
      // Unit tests of pure modules: the files share one process per worker (no fork and no fresh import of the AWS
      // SDK per file, ~0.7 s each), which took ~100 files from about 80 s of worker time to about 15.
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
    ],
  },
});
