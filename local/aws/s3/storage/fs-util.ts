/** Small file-system helpers: atomic JSON writes, quiet removals, names that no key can steer. */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Hex SHA-256: names files after keys and upload ids, so nothing a client sends ever becomes a path. */
export const hashName = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** A fresh, unique file name inside `dir`. */
export const uniquePath = (dir: string, suffix = '') => join(dir, `${randomUUID()}${suffix}`);

/**
 * Writes JSON to a temp file (flushed to disk), then renames it over `target`: readers see the old or the new document,
 * never half of one.
 */
export async function writeJsonAtomic(tmpDir: string, target: string, value: unknown): Promise<void> {
  const temp = uniquePath(tmpDir, '.json');
  try {
    await writeFile(temp, JSON.stringify(value), { flush: true, flag: 'wx' });
    await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
  } catch (error) {
    await removeFile(temp);
    throw error;
  }
}

export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Moves a directory out of the way in one rename (so it vanishes atomically), then deletes it. */
export async function removeDirAtomic(dir: string, tmpDir: string): Promise<void> {
  const trash = uniquePath(tmpDir, '.trash');
  try {
    await rename(dir, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(trash, { recursive: true, force: true });
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
