/**
 * gateway-oidc volumes in the domain: the setup the owner applies (trust on our issuer, this volume's subject and our
 * audience; an idempotent provider registration; 12-hour sessions) and verify's proof that the role admits the
 * gateway's token for this volume only. STS here is a stand-in that decodes the token and applies a trust as IAM would.
 */
import { describe, expect, it } from 'vitest';
import { createCryptoTokenSigner } from '../../../local/crypto-token-signer';
import { volumeTokenMinter } from '../../../shared/auth/gateway-issuer';
import { ValidationFailed } from '../../../shared/errors';
import type { Volume } from '../../../shared/volumes/model';
import { setupFor } from '../../../shared/volumes/policies';
import { AssumeRoleRefused, type AssumeRoleWithWebIdentityRequest } from '../../../shared/volumes/ports';
import { runChecks } from '../../../shared/volumes/verify';
import { validateCreate } from '../../../shared/volumes/volume-input';
import { caller, FakeS3, GATEWAY, NOW } from './fakes';

const ISSUER = { issuer: 'https://api.example.org/prod', audience: 'sts.amazonaws.com', thumbprints: ['b'.repeat(40)] };
const ROLE = 'arn:aws:iam::123456789012:role/lab-data';
const settings = { gatewayPrincipalArn: GATEWAY, gatewayIssuer: ISSUER };

const volume: Volume = {
  id: 'vol-0001',
  name: 'lab-data',
  bucket: 'lab-bucket',
  prefix: 'shared',
  region: 'eu-central-1',
  accessMode: 'read-write',
  auth: { type: 'gateway-oidc', roleArn: ROLE },
  requireMfa: false,
  status: 'pending',
  ownerSubject: 'alice',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  version: 1,
};

describe('gateway-oidc setup', () => {
  it('trusts our issuer as an OIDC provider of the role account, for this volume subject and our audience only', () => {
    const setup = setupFor(volume, settings);
    expect(setup.trustPolicy.Statement).toEqual([
      {
        Sid: 'VolumeGatewayIssuer',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/api.example.org/prod' },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity', 'sts:TagSession'],
        Condition: { StringEquals: { 'api.example.org/prod:aud': 'sts.amazonaws.com', 'api.example.org/prod:sub': 'volume:vol-0001' } },
      },
    ]);
    expect(JSON.stringify(setup.permissionsPolicy)).toContain('arn:aws:s3:::lab-bucket/shared/*');
  });

  it('registers the provider only when absent, then applies both policies and 12-hour sessions', () => {
    const { commands } = setupFor(volume, settings);
    expect(commands).toHaveLength(4);
    expect(commands[0]).toBe(
      'aws iam get-open-id-connect-provider --open-id-connect-provider-arn ' +
        'arn:aws:iam::123456789012:oidc-provider/api.example.org/prod >/dev/null 2>&1 || ' +
        'aws iam create-open-id-connect-provider --url https://api.example.org/prod --client-id-list sts.amazonaws.com ' +
        `--thumbprint-list ${'b'.repeat(40)}`,
    );
    expect(commands[1]).toMatch(/^aws iam update-assume-role-policy --role-name lab-data --policy-document '/);
    expect(commands[2]).toMatch(/^aws iam put-role-policy --role-name lab-data --policy-name volume-gateway-lab-data /);
    expect(commands[3]).toBe('aws iam update-role --role-name lab-data --max-session-duration 43200');
  });

  it('is refused as a ValidationFailed naming auth.type where the deployment has no issuer', () => {
    const input = {
      name: 'lab-data',
      bucket: 'lab-bucket',
      region: 'eu-central-1',
      accessMode: 'read-only' as const,
      auth: { type: 'gateway-oidc' as const, roleArn: ROLE },
    };
    expect(validateCreate(input, settings).auth).toEqual({ type: 'gateway-oidc', roleArn: ROLE });
    expect(() => validateCreate(input, { gatewayPrincipalArn: GATEWAY })).toThrow(ValidationFailed);
  });
});

/** STS over the role's trust: the token's sub and aud must be exactly these, the duration within the role's maximum. */
function trustingSts(trust: { sub: string | null; aud: string | null; maxSeconds: number }) {
  const seen: Array<{ request: AssumeRoleWithWebIdentityRequest; payload: Record<string, unknown> }> = [];
  let n = 0;
  const refuse = () => Promise.reject(new AssumeRoleRefused('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity'));
  return {
    seen,
    assumeRole: refuse,
    async assumeRoleWithWebIdentity(request: AssumeRoleWithWebIdentityRequest) {
      const payload = JSON.parse(Buffer.from(request.webIdentityToken.split('.')[1]!, 'base64url').toString());
      seen.push({ request, payload });
      if ((trust.sub !== null && payload.sub !== trust.sub) || (trust.aud !== null && payload.aud !== trust.aud)) return refuse();
      if (request.durationSeconds > trust.maxSeconds) {
        throw new AssumeRoleRefused('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
      }
      return { accessKeyId: `ASIA${++n}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date('2030-01-01T00:00:00Z') };
    },
  };
}

function probeDeps(sts: ReturnType<typeof trustingSts>) {
  const s3 = new FakeS3();
  s3.allows = { list: true, put: true, delete: true };
  let n = 0;
  const ids = { volumeId: () => 'vol-x', externalId: () => 'ext-x', nonce: () => `n${++n}` };
  const signer = createCryptoTokenSigner({ issuer: ISSUER.issuer });
  return { sts, s3, ids, settings, gatewayTokens: volumeTokenMinter(signer, ISSUER) };
}

const byName = (checks: Array<{ name: string; ok: boolean }>) => Object.fromEntries(checks.map((c) => [c.name, c.ok]));

describe('verifying a gateway-oidc volume', () => {
  it('passes when the role admits the token for this volume for 12 hours and refuses other subjects and audiences', async () => {
    const sts = trustingSts({ sub: 'volume:vol-0001', aud: 'sts.amazonaws.com', maxSeconds: 43_200 });
    const checks = await runChecks(probeDeps(sts), caller('alice'), volume);
    expect(byName(checks)).toEqual({
      'assume-role-with-gateway-token': true,
      'max-session-duration': true,
      'other-volume-token-refused': true,
      'other-audience-refused': true,
      'list-prefix': true,
      'write-and-delete': true,
    });
    const first = sts.seen[0]!;
    expect(first.request.durationSeconds).toBe(43_200);
    expect(first.payload).toMatchObject({
      iss: ISSUER.issuer,
      sub: 'volume:vol-0001',
      aud: 'sts.amazonaws.com',
      'https://aws.amazon.com/source_identity': 'alice',
      'https://aws.amazon.com/tags': { principal_tags: { Owner: ['alice'], VolumeId: ['vol-0001'] } },
    });
    expect((first.payload.exp as number) - (first.payload.iat as number)).toBeLessThanOrEqual(300);
    expect(new Set(sts.seen.map((s) => s.payload.jti)).size).toBe(sts.seen.length);
  });

  it('fails when the trust admits any volume subject of our issuer', async () => {
    const sts = trustingSts({ sub: null, aud: 'sts.amazonaws.com', maxSeconds: 43_200 });
    const checks = await runChecks(probeDeps(sts), caller('alice'), volume);
    expect(byName(checks)['other-volume-token-refused']).toBe(false);
    expect(byName(checks)['other-audience-refused']).toBe(true);
  });

  it('fails when the trust admits any audience', async () => {
    const sts = trustingSts({ sub: 'volume:vol-0001', aud: null, maxSeconds: 43_200 });
    expect(byName(await runChecks(probeDeps(sts), caller('alice'), volume))['other-audience-refused']).toBe(false);
  });

  it('fails max-session-duration (and still checks the rest) when the role keeps the 1-hour default', async () => {
    const sts = trustingSts({ sub: 'volume:vol-0001', aud: 'sts.amazonaws.com', maxSeconds: 3600 });
    const checks = await runChecks(probeDeps(sts), caller('alice'), volume);
    expect(byName(checks)).toMatchObject({ 'assume-role-with-gateway-token': true, 'max-session-duration': false, 'list-prefix': true });
    expect(checks.find((c) => c.name === 'max-session-duration')!.detail).toContain('--max-session-duration 43200');
  });

  it('fails assume-role-with-gateway-token and runs nothing else when the role trusts another subject', async () => {
    const sts = trustingSts({ sub: 'volume:vol-9999', aud: 'sts.amazonaws.com', maxSeconds: 43_200 });
    const checks = await runChecks(probeDeps(sts), caller('alice'), volume);
    expect(checks.every((c) => !c.ok)).toBe(true);
    expect(checks[0]!.name).toBe('assume-role-with-gateway-token');
    expect(sts.seen).toHaveLength(1);
  });
});
