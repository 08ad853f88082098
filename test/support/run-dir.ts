/**
 * vitest globalSetup: one temporary directory for the whole run, given to every test file (`inject('runDir')`)
 * and removed when the run ends; a rerun in watch mode gets a new one, so nothing built from older code is
 * reused. Test files share what is costly to build through it (see run-snapshot.ts); nothing is built here,
 * so a run that needs nothing shared pays nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    runDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  let runDir = '';
  const renew = () => {
    if (runDir) rmSync(runDir, { recursive: true, force: true });
    runDir = mkdtempSync(join(tmpdir(), 'vg-run-'));
    project.provide('runDir', runDir);
  };
  renew();
  project.onTestsRerun(renew);
  return () => rmSync(runDir, { recursive: true, force: true });
}
