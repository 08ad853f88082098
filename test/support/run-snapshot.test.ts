/** The once-per-run data directory: one file builds and publishes it, the others get private copies. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { claimSnapshot } from './run-snapshot';

const made: string[] = [];
const dir = (prefix: string) => {
  const path = mkdtempSync(join(tmpdir(), prefix));
  made.push(path);
  return path;
};
afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
});

it('lets the first claimant build and gives each later one a private copy of what it published, with its meta', async () => {
  const root = dir('vg-run-test-');
  const builder = await claimSnapshot<{ id: string }>('world', { root });
  expect(builder.kind).toBe('build');
  const waiting = claimSnapshot<{ id: string }>('world', { root, waitMs: 5_000 });

  const built = dir('vg-built-');
  mkdirSync(join(built, 'nested'));
  writeFileSync(join(built, 'nested', 'state.json'), '"built"');
  if (builder.kind === 'build') builder.publish(built, { id: 'v-1' });
  writeFileSync(join(built, 'nested', 'state.json'), '"changed by the builder afterwards"');

  const first = await waiting;
  const second = await claimSnapshot<{ id: string }>('world', { root });
  for (const copy of [first, second]) {
    expect(copy).toMatchObject({ kind: 'copy', meta: { id: 'v-1' } });
    if (copy.kind === 'copy') made.push(copy.dataDir);
  }
  if (first.kind !== 'copy' || second.kind !== 'copy') return;
  expect(first.dataDir).not.toBe(second.dataDir);
  writeFileSync(join(first.dataDir, 'nested', 'state.json'), '"changed by the first copy"');
  expect(readFileSync(join(second.dataDir, 'nested', 'state.json'), 'utf8')).toBe('"built"');
});

it('lets a waiter build for itself when the builder failed or took too long', async () => {
  const root = dir('vg-run-test-');
  const builder = await claimSnapshot('failing', { root });
  const waiting = claimSnapshot('failing', { root, waitMs: 5_000 });
  if (builder.kind === 'build') builder.failed();
  expect((await waiting).kind).toBe('build');

  await claimSnapshot('slow', { root });
  expect((await claimSnapshot('slow', { root, waitMs: 50 })).kind).toBe('build');
});

it('builds alone when the run has no shared directory', async () => {
  expect((await claimSnapshot('world', { root: '' })).kind).toBe('build');
});
