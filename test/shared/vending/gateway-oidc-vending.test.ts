/**
 * Vending for gateway-oidc volumes: each STS call carries a fresh token the gateway minted for the volume (not the
 * caller's), so every member is served and sessions run up to 12 hours (no role chaining); presigned URLs live up to
 * the credentials' life; one STS call per (volume, subject, access, duration) per credential lifetime.
 */
import { describe, expect, it } from 'vitest';
import { createCryptoTokenSigner } from '../../../local/crypto-token-signer';
import { volumeTokenMinter } from '../../../shared/auth/gateway-issuer';
import { ValidationFailed } from '../../../shared/errors';
import { presignObject } from '../../../shared/vending/presign';
import { vendCredentials } from '../../../shared/vending/vend';
import type { AssumeRoleWithWebIdentityRequest } from '../../../shared/volumes/ports';
import { caller, ROLE, vendingWorld, volumeWith } from './fakes';

const ISSUER = 'https://api.example.org';

function gatewayWorld() {
  const w = vendingWorld();
  w.sts.roleMaxSeconds = 43_200;
  const signer = createCryptoTokenSigner({ issuer: ISSUER, now: () => w.clock.now() });
  w.deps.gatewayTokens = volumeTokenMinter(signer, { audience: 'sts.amazonaws.com' });
  return w;
}

const gatewayVolume = (w: ReturnType<typeof gatewayWorld>) =>
  volumeWith(w, { rita: 'read', walt: 'write' }, { auth: { type: 'gateway-oidc', roleArn: ROLE }, externalId: undefined as never });

const payload = (request: unknown) =>
  JSON.parse(Buffer.from((request as AssumeRoleWithWebIdentityRequest).webIdentityToken.split('.')[1]!, 'base64url').toString());

describe('vending for gateway-oidc volumes', () => {
  it('vends 12-hour credentials, with a token for the volume minted for that call (not the caller token)', async () => {
    const w = gatewayWorld();
    const volume = await gatewayVolume(w);
    const vended = await vendCredentials(w.deps, caller('rita'), volume.id, { durationSeconds: 43_200 });
    expect(vended.Expiration).toBe('2025-06-02T00:00:00.000Z');
    const request = w.sts.calls[0] as AssumeRoleWithWebIdentityRequest;
    expect(request).toMatchObject({ roleArn: ROLE, sessionName: 'rita', durationSeconds: 43_200, region: 'eu-central-1' });
    expect(request.webIdentityToken).not.toBe('token-of-rita');
    expect(JSON.parse(request.policy!).Statement[1].Resource).toEqual(['arn:aws:s3:::lab-genomes/runs/2025/*']);
    const claims = payload(request);
    expect(claims).toMatchObject({
      iss: ISSUER,
      sub: `volume:${volume.id}`,
      aud: 'sts.amazonaws.com',
      'https://aws.amazon.com/source_identity': 'rita',
      'https://aws.amazon.com/tags': { principal_tags: { Owner: ['rita'], VolumeId: [volume.id] } },
    });
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(300);
  });

  it('serves every member, each with their own session and a token with a unique jti', async () => {
    const w = gatewayWorld();
    const volume = await gatewayVolume(w);
    await vendCredentials(w.deps, caller('rita'), volume.id, { durationSeconds: 43_200 });
    await vendCredentials(w.deps, caller('walt'), volume.id, { durationSeconds: 43_200 });
    await vendCredentials(w.deps, caller('alice'), volume.id, { durationSeconds: 43_200 });
    expect(w.sts.calls.map((c) => c.sessionName)).toEqual(['rita', 'walt', 'alice']);
    expect(new Set(w.sts.calls.map((c) => payload(c).jti)).size).toBe(3);
  });

  it('calls STS once per member, access and duration for the credentials life, then again', async () => {
    const w = gatewayWorld();
    const volume = await gatewayVolume(w);
    for (let i = 0; i < 5; i++) await vendCredentials(w.deps, caller('rita'), volume.id, { durationSeconds: 43_200 });
    await presignObject(w.deps, caller('rita'), volume.id, { key: 'a.txt', method: 'GET', expiresIn: 604_800 });
    expect(w.sts.calls).toHaveLength(1);
    w.clock.advance(11 * 3600_000);
    await vendCredentials(w.deps, caller('rita'), volume.id, { durationSeconds: 43_200 });
    expect(w.sts.calls).toHaveLength(1);
    w.clock.advance(3600_000);
    await vendCredentials(w.deps, caller('rita'), volume.id, { durationSeconds: 43_200 });
    expect(w.sts.calls).toHaveLength(2);
  });

  it('still refuses more than 12 hours, and more than an hour for role volumes', async () => {
    const w = gatewayWorld();
    const volume = await gatewayVolume(w);
    await expect(vendCredentials(w.deps, caller('rita'), volume.id, { durationSeconds: 43_201 })).rejects.toThrow(ValidationFailed);
    const role = await volumeWith(w, { rita: 'read' }, { id: 'vol-role', name: 'role-volume' });
    await expect(vendCredentials(w.deps, caller('rita'), role.id, { durationSeconds: 7200 })).rejects.toThrow(/one hour/);
  });

  it('answers DurationExceedsRoleMaximum when the role keeps a shorter maximum', async () => {
    const w = gatewayWorld();
    w.sts.roleMaxSeconds = 3600;
    const volume = await gatewayVolume(w);
    await expect(vendCredentials(w.deps, caller('rita'), volume.id, { durationSeconds: 43_200 })).rejects.toMatchObject({
      code: 'DurationExceedsRoleMaximum',
    });
  });

  it('still presigns, with an hour, when the role keeps a shorter maximum (the caller asked for no duration)', async () => {
    const w = gatewayWorld();
    w.sts.roleMaxSeconds = 3600;
    const volume = await gatewayVolume(w);
    const short = await presignObject(w.deps, caller('rita'), volume.id, { key: 'a.txt', method: 'GET', expiresIn: 300 });
    expect(short.expiresInSeconds).toBe(300);
    const week = await presignObject(w.deps, caller('rita'), volume.id, { key: 'a.txt', method: 'GET', expiresIn: 604_800 });
    expect(week.expiresInSeconds).toBe(3600);
  });

  it('answers 500 ServiceMisconfigured, calling no STS, where no token signer is wired', async () => {
    const w = gatewayWorld();
    delete w.deps.gatewayTokens;
    const volume = await gatewayVolume(w);
    await expect(vendCredentials(w.deps, caller('rita'), volume.id)).rejects.toMatchObject({ status: 500, code: 'ServiceMisconfigured' });
    expect(w.sts.calls).toEqual([]);
  });

  it('presigns URLs that live beyond an hour, up to the 12-hour credentials', async () => {
    const w = gatewayWorld();
    const volume = await gatewayVolume(w);
    const day = await presignObject(w.deps, caller('walt'), volume.id, { key: 'a.txt', method: 'GET', expiresIn: 86_400 });
    expect(day.expiresInSeconds).toBe(43_200);
    expect(day.note).toContain('12 hours');
    const six = await presignObject(w.deps, caller('walt'), volume.id, { key: 'a.txt', method: 'GET', expiresIn: 6 * 3600 });
    expect(six.expiresInSeconds).toBe(6 * 3600);
    expect(six.note).toBeUndefined();
  });
});
