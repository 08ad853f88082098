import { describe, expect, it } from 'vitest';
import { stsName, tagValue } from '../../../shared/volumes/sts-names';

const STS_NAME = /^[\w+=,.@-]{2,64}$/;

describe('stsName (RoleSessionName, SourceIdentity)', () => {
  it.each(['alice', 'alice@example.org', 'user_1+tag=x,y.z-0', 'a'.repeat(64)])('keeps a subject that already fits: %s', (subject) => {
    expect(stsName(subject)).toBe(subject);
  });

  it.each(['a', 'auth0|5f7c8ec7c33c6c004bbafe82', 'ärger', 'x'.repeat(65), 'with space', ''])('makes %j fit', (subject) => {
    expect(stsName(subject)).toMatch(STS_NAME);
  });

  it('keeps subjects that differ only in replaced characters apart', () => {
    expect(stsName('auth0|abc')).not.toBe(stsName('auth0:abc'));
    expect(stsName(`${'x'.repeat(70)}1`)).not.toBe(stsName(`${'x'.repeat(70)}2`));
  });

  it('is stable', () => {
    expect(stsName('auth0|abc')).toBe(stsName('auth0|abc'));
  });
});

describe('tagValue', () => {
  it('keeps subjects with letters, digits and _.:/=+-@ as they are', () => {
    expect(tagValue('alice@example.org')).toBe('alice@example.org');
    expect(tagValue('Jörg Müller')).toBe('Jörg Müller');
  });

  it('replaces other characters and bounds the length', () => {
    expect(tagValue('auth0|abc')).toMatch(/^auth0-abc-[0-9a-f]{8}$/);
    expect(Array.from(tagValue('é'.repeat(300)))).toHaveLength(256);
  });
});
