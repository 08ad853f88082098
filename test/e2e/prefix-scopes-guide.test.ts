/**
 * docs/prefix-scopes-and-revoking.md run as a reader runs it (its `<!-- test: … -->` blocks in one bash,
 * test/e2e/guides/blocks.ts) against a fresh local stack holding alice's read-write volume `reads`: credentials
 * narrowed to a prefix written with inside and refused beside it, a scoped key through the proxy writing only its
 * work directory, and a revocation whose returned command, run with /usr/bin/aws, ends the old session only.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type OneVolume, startOneVolume, VOLUME } from '../resilience/one-volume';
import { ok, parseGuide, readerEnv, runGuide } from './guides/blocks';

let world: OneVolume;

beforeAll(async () => {
  world = await startOneVolume();
}, 120_000);
afterAll(async () => {
  await world?.stack.close();
});

it('docs/prefix-scopes-and-revoking.md runs: narrowed credentials, a scoped key, and a revocation ending the old session', async () => {
  const env = readerEnv(world.stack.dataDir, 'home', { VOLUME });
  const out = ok(await runGuide(parseGuide('docs/prefix-scopes-and-revoking.md'), { cwd: process.cwd(), env, timeoutMs: 120_000 }));
  expect(out['scopes-narrow']!.trim().split('\n')).toEqual([
    'narrowed to s3://lab/data/runs/1/',
    'inside: written',
    'beside: refused',
    'whole listing: refused',
  ]);
  const [scopes, ...rest] = out['scopes-key']!.trim().split('\n');
  expect(JSON.parse(scopes!)).toEqual([
    { volumeId: expect.stringMatching(/^vol-/), access: 'read' },
    { volumeId: expect.stringMatching(/^vol-/), prefix: 'work/', access: 'write' },
  ]);
  expect(rest).toEqual(['work/: written', 'AccessDenied']);
  expect(out['scopes-revoke']!.trim().split('\n')).toEqual([
    expect.stringMatching(/^revoked at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; policy volume-gateway-revoke-vol-\w+$/),
    'a new session after the revocation',
    'old session: refused',
    'hello',
  ]);
}, 150_000);
