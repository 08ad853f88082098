import { describe, expect, it } from 'vitest';
import { memoryAdapterFactory } from '../../../local/oidc/memory-adapter';

function setup() {
  let clock = 1_000_000;
  const factory = memoryAdapterFactory(() => clock);
  return { factory, advance: (seconds: number) => (clock += seconds * 1000) };
}

describe("the dev issuer's in-memory sign-in store", () => {
  it('finds what was stored until it expires, by id and by uid', async () => {
    const { factory, advance } = setup();
    const sessions = factory('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'alice' }, 60);
    expect(await sessions.find('s1')).toMatchObject({ accountId: 'alice' });
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'alice' });
    expect(await factory('Grant').find('s1')).toBeUndefined(); // models do not see each other's ids
    advance(61);
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('marks a consumed code, forgets a destroyed one, and revokes everything of a grant in every model', async () => {
    const { factory } = setup();
    const codes = factory('AuthorizationCode');
    const tokens = factory('AccessToken');
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    await codes.upsert('c2', { grantId: 'g2' }, 60);
    await tokens.upsert('t1', { grantId: 'g1' }, 3600);
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toBe(1000);
    await codes.destroy('c2');
    expect(await codes.find('c2')).toBeUndefined();
    await codes.revokeByGrantId('g1');
    expect(await codes.find('c1')).toBeUndefined();
    expect(await tokens.find('t1')).toBeUndefined();
  });
});
