/**
 * Starts the longest test files first, so none of them is the run's tail while the other workers sit idle.
 * vitest's own order is by the durations it cached in a previous run, and by file size where it has none: on a
 * clean clone (CI) that starts the many short unit files first and leaves the end-to-end files, which run for
 * 20 to 110 s each, to the end. Here the files named below come first, in this order (the longest measured
 * first), then every end-to-end, deploy, resilience and integration file, then the rest, each group in vitest's order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST = [
  'test/e2e/proxy-clients.test.ts',
  'test/e2e/guides.test.ts',
  'test/e2e/gateway-oidc.test.ts',
  'test/deploy/packaged-functions.test.ts',
  'test/e2e/browser.test.ts',
  'test/e2e/secret-scan.test.ts',
  'test/e2e/credential-process.test.ts',
];
const SLOW_FOLDERS = ['test/e2e/', 'test/deploy/', 'test/resilience/', 'test/integration/'];

function rank(file: string): number {
  const named = LONGEST.findIndex((path) => file.endsWith(path));
  if (named >= 0) return named;
  return SLOW_FOLDERS.some((folder) => file.includes(`/${folder}`)) ? LONGEST.length : LONGEST.length + 1;
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    // Array.prototype.sort is stable: within a rank, vitest's order stays.
    return ordered.sort((a, b) => rank(a.moduleId) - rank(b.moduleId));
  }
}
