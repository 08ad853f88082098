/**
 * `serverless package` works in the project's own folders (.esbuild/, .serverless/), so two test files that
 * package at once (vitest runs files in parallel processes) would trample each other's build. They take
 * this lock: a directory created atomically, released when done, broken if its holder died long ago.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), `volume-gateway-packaging-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}.lock`);
const STALE_MS = 10 * 60_000;

export async function withPackagingLock<T>(work: () => Promise<T> | T, timeoutMs = 5 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
