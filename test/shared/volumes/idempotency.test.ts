/** Idempotent creation: the key's rules, the request fingerprint, and what a retry with a key answers. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint, IDEMPOTENCY_TTL_SECONDS, parseIdempotencyKey } from '../../../shared/volumes/idempotency';
import type { CreateVolumeInput } from '../../../shared/volumes/schemas';
import { createVolumeOnce, deleteVolume } from '../../../shared/volumes/service';
import { caller, world } from './fakes';
import { alice, ROLE } from './operations-helpers';

const input: CreateVolumeInput = {
  name: 'shared-genomes',
  bucket: 'lab-genomes',
  prefix: 'runs/2025',
  region: 'eu-central-1',
  accessMode: 'read-only',
  auth: { type: 'role', roleArn: ROLE },
};
const KEY = '6f1c1f7e-2b7a-4c55-9a3e-7d7b0b9f0c11';

describe('Idempotency-Key values', () => {
  it.each([
    ['a UUID', KEY],
    ['one character', 'k'],
    ['255 visible characters', 'x'.repeat(255)],
    ['punctuation', 'order:42/retry#1'],
  ])('accepts %s', (_name, key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'x'.repeat(256)],
    ['a space', 'two words'],
    ['a control character', 'a\u0000b'],
    ['non-ASCII', 'clé'],
  ])('refuses %s with 400 InvalidIdempotencyKey naming the header', (_name, key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(
      expect.objectContaining({ status: 400, code: 'InvalidIdempotencyKey', details: { field: 'Idempotency-Key' } }),
    );
  });

  it('is optional', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });
});

describe('request fingerprint', () => {
  it('does not depend on the order of object keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}');
    expect(fingerprint({ a: 1, b: 2 })).toBe(fingerprint({ b: 2, a: 1 }));
  });

  it('differs when a value differs, and leaves undefined fields out', () => {
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint({ a: 1, b: undefined })).toBe(fingerprint({ a: 1 }));
  });
});

describe('createVolumeOnce with an Idempotency-Key', () => {
  it('a retry with the same key and body answers the same volume, marked replayed, and writes nothing more', async () => {
    const w = world();
    const first = await createVolumeOnce(w.deps, alice, input, KEY);
    const writes = w.repo.writes;
    const again = await createVolumeOnce(w.deps, alice, input, KEY);
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.volume).toEqual(first.volume);
    expect(w.repo.volumes.size).toBe(1);
    expect(w.repo.writes).toBe(writes);
    expect(w.audit.of(first.volume.id).map((e) => e.action)).toEqual(['volume.create']);
  });

  it('a body that differs only by normalisation (a trailing slash on the prefix) is the same request', async () => {
    const w = world();
    const first = await createVolumeOnce(w.deps, alice, input, KEY);
    const again = await createVolumeOnce(w.deps, alice, { ...input, prefix: 'runs/2025/' }, KEY);
    expect(again).toMatchObject({ replayed: true, volume: { id: first.volume.id } });
  });

  it('the same key with another body is 422 IdempotencyKeyReused, and nothing is written', async () => {
    const w = world();
    await createVolumeOnce(w.deps, alice, input, KEY);
    const writes = w.repo.writes;
    await expect(createVolumeOnce(w.deps, alice, { ...input, name: 'other-genomes' }, KEY)).rejects.toMatchObject({
      status: 422,
      code: 'IdempotencyKeyReused',
    });
    expect(w.repo.writes).toBe(writes);
    expect(w.repo.volumes.size).toBe(1);
  });

  it("keys are scoped to the caller: bob using alice's key creates his own volume (or meets the name)", async () => {
    const w = world();
    await createVolumeOnce(w.deps, alice, input, KEY);
    const bob = caller('bob');
    await expect(createVolumeOnce(w.deps, bob, input, KEY)).rejects.toMatchObject({ status: 409, code: 'VolumeNameTaken' });
    const bobs = await createVolumeOnce(w.deps, bob, { ...input, name: 'bobs-genomes' }, KEY);
    expect(bobs).toMatchObject({ replayed: false, volume: { owner: 'bob', name: 'bobs-genomes' } });
  });

  it('without a key, a retry meets the name it claimed: 409 VolumeNameTaken', async () => {
    const w = world();
    await createVolumeOnce(w.deps, alice, input);
    await expect(createVolumeOnce(w.deps, alice, input)).rejects.toMatchObject({ status: 409, code: 'VolumeNameTaken' });
  });

  it('a key is forgotten after 24 hours: the same key then creates anew', async () => {
    const w = world();
    await createVolumeOnce(w.deps, alice, input, KEY);
    w.clock.advance(IDEMPOTENCY_TTL_SECONDS * 1000);
    const later = await createVolumeOnce(w.deps, alice, { ...input, name: 'genomes-again' }, KEY);
    expect(later).toMatchObject({ replayed: false, volume: { name: 'genomes-again' } });
  });

  it('a retry after the volume was deleted is 404 VolumeNotFound, not a new volume', async () => {
    const w = world();
    const first = await createVolumeOnce(w.deps, alice, input, KEY);
    await deleteVolume(w.deps, alice, first.volume.id);
    await expect(createVolumeOnce(w.deps, alice, input, KEY)).rejects.toMatchObject({ status: 404, code: 'VolumeNotFound' });
    expect(w.repo.volumes.size).toBe(0);
  });

  it('checks the key before the body: a bad key is refused even with a bad body', async () => {
    const w = world();
    await expect(createVolumeOnce(w.deps, alice, { ...input, name: 'BAD' }, 'no spaces allowed')).rejects.toMatchObject({
      code: 'InvalidIdempotencyKey',
    });
  });
});
