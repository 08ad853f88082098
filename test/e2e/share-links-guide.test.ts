/**
 * docs/share-links.md run as a reader runs it (its `<!-- test: … -->` blocks in one bash, test/e2e/guides/blocks.ts)
 * against a fresh local stack holding alice's volume `reads`: the link is made, downloaded by curl -L and wget with
 * identical bytes, probed by a HEAD that is not counted, revoked, and then refused with 410 LinkRevoked.
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

it('docs/share-links.md runs: curl -L and wget download identical bytes, HEAD is not counted, a revoked link is 410', async () => {
  const env = readerEnv(world.stack.dataDir, 'home', { VOLUME });
  const out = ok(await runGuide(parseGuide('docs/share-links.md'), { cwd: process.cwd(), env, timeoutMs: 60_000 }));
  expect(out['links-object']).toContain('PUT 200');
  expect(out['links-create']).toMatch(/^lnk-\w{26} until \S+: 0 of 5 downloads$/m);
  expect(out['links-download']).toContain('curl -L: identical');
  expect(out['links-download']).toContain('wget: identical');
  expect(out['links-download']).toContain('HEAD 302');
  expect(out['links-download']).toContain('downloads: 2 of 5');
  expect(out['links-revoke']).toContain('revoke 204');
  expect(out['links-revoke']).toContain('LinkRevoked 410');
});
