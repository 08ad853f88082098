/**
 * A stack's data directory built once per vitest run and copied for every test file that needs it. The first
 * file to claim a name builds it (the claim is a directory made atomically in the run directory of run-dir.ts)
 * and publishes a copy with what its users need to know (`meta`); the others wait for that copy and each
 * start from a private copy of it, so a file may change its world freely. A waiter whose builder failed or
 * took too long builds for itself, and so does every file of a run without the run directory.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

export type SnapshotClaim<M> =
  /** A private copy of the published data directory, and its meta. */
  | { kind: 'copy'; dataDir: string; meta: M }
  /** Build it; then `publish` (this file builds for the run) or not (it builds only for itself). */
  | { kind: 'build'; publish(dataDir: string, meta: M): void; failed(): void };

const buildAlone = <M>(): SnapshotClaim<M> => ({ kind: 'build', publish: () => {}, failed: () => {} });

function runDir(): string | undefined {
  try {
    return inject('runDir');
  } catch {
    return undefined;
  }
}

export async function claimSnapshot<M>(
  name: string,
  { root = runDir(), waitMs = 75_000 }: { root?: string; waitMs?: number } = {},
): Promise<SnapshotClaim<M>> {
  if (!root) return buildAlone();
  const published = join(root, name);
  const failedMarker = `${published}.failed`;
  try {
    mkdirSync(`${published}.lock`);
    return {
      kind: 'build',
      // Called while the builder's stack is idle: every store commits a write before its answer (rename, fsync,
      // LevelDB's log), so the copy is what a restart would find.
      publish: (dataDir, meta) => {
        const staging = `${published}.staging`;
        cpSync(dataDir, join(staging, 'data'), { recursive: true });
        writeFileSync(join(staging, 'meta.json'), JSON.stringify(meta), { mode: 0o600 });
        renameSync(staging, published);
      },
      failed: () => writeFileSync(failedMarker, ''),
    };
  } catch {
    // Another file builds it.
  }
  const deadline = Date.now() + waitMs;
  while (!existsSync(join(published, 'meta.json'))) {
    if (existsSync(failedMarker) || Date.now() > deadline) return buildAlone();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'vg-stack-'));
  cpSync(join(published, 'data'), dataDir, { recursive: true });
  return { kind: 'copy', dataDir, meta: JSON.parse(readFileSync(join(published, 'meta.json'), 'utf8')) as M };
}
