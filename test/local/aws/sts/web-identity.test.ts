import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_ACCOUNT_IDS } from '../../../../local/aws/iam/seed';
import type { FetchJson } from '../../../../local/aws/sts/service';
import { doc, localAws } from '../iam/fixtures';

const ACCT = CUSTOMER_ACCOUNT_IDS[0];
const ISSUER = 'https://idp.test/realms/science';
const PROVIDER_ID = 'idp.test/realms/science';
const PROVIDER_ARN = `arn:aws:iam::${ACCT}:oidc-provider/${PROVIDER_ID}`;
const ROLE = `arn:aws:iam::${ACCT}:role/web-reader`;
const CLIENT = 'volume-gateway';

const idpKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function jwt(payload: Record<string, unknown>, options: { key?: KeyObject; kid?: string; alg?: string } = {}) {
  const header = { alg: options.alg ?? 'RS256', typ: 'JWT', kid: options.kid ?? 'k1' };
  const input = `${b64(header)}.${b64(payload)}`;
  const signature =
    options.alg === 'none' ? '' : sign('sha256', Buffer.from(input), options.key ?? idpKey.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

/** The issuer's discovery document and JWKS, served from memory; counts requests. */
function idp(reachable = true, discovery: Record<string, unknown> = { issuer: ISSUER }) {
  const jwk = { ...idpKey.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' };
  const documents: Record<string, unknown> = {
    [`${ISSUER}/.well-known/openid-configuration`]: { ...discovery, jwks_uri: `${ISSUER}/protocol/openid-connect/certs` },
    [`${ISSUER}/protocol/openid-connect/certs`]: { keys: [jwk] },
  };
  const fetched: string[] = [];
  const fetchJson: FetchJson = async (url) => {
    fetched.push(url);
    if (!reachable || !(url in documents)) throw new Error(`connect ECONNREFUSED (${url})`);
    return documents[url];
  };
  return { fetchJson, fetched };
}

function setup(
  options: {
    reachable?: boolean;
    trustActions?: string[];
    discovery?: Record<string, unknown>;
    clientIds?: string[];
    aud?: string | string[];
  } = {},
) {
  const server = idp(options.reachable ?? true, options.discovery);
  const aws = localAws({ fetchJson: server.fetchJson });
  aws.store.oidc.create(ACCT, { url: ISSUER, clientIds: options.clientIds ?? [CLIENT], thumbprints: [], tags: [] });
  const trust = doc({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_ARN },
        Action: options.trustActions ?? ['sts:AssumeRoleWithWebIdentity'],
        Condition: { StringEquals: { [`${PROVIDER_ID}:aud`]: options.aud ?? CLIENT, [`${PROVIDER_ID}:sub`]: 'alice' } },
      },
    ],
  });
  aws.store.roles.create(ACCT, {
    roleName: 'web-reader',
    path: '/',
    assumeRolePolicyDocument: trust,
    trustBindings: {},
    maxSessionDuration: 43200,
    tags: [],
  });
  const now = Math.floor(aws.time.now().getTime() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, sub: 'alice', aud: CLIENT, iat: now, exp: now + 300, ...extra });
  const assume = (token: string, params: Record<string, string> = {}) =>
    aws.callSts(null, {
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE,
      RoleSessionName: 'alice-web',
      WebIdentityToken: token,
      ...params,
    });
  return { ...aws, ...server, claims, assume };
}

describe('STS AssumeRoleWithWebIdentity', () => {
  it('a good token, anonymously: credentials for up to the role’s MaxSessionDuration (not role chaining)', async () => {
    const aws = setup();
    const res = await aws.assume(jwt(aws.claims()), { DurationSeconds: '43200' });
    expect(res.status).toBe(200);
    expect(res.result).toMatchObject({ SubjectFromWebIdentityToken: 'alice', Audience: CLIENT, Provider: PROVIDER_ARN });
    expect(res.result.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCT}:assumed-role/web-reader/alice-web`);
    expect(new Date(res.result.Credentials.Expiration).getTime()).toBe(aws.time.now().getTime() + 43200_000);
    expect(aws.store.lookup(res.result.Credentials.AccessKeyId)?.caller).toMatchObject({ isRoleSession: true, roleArn: ROLE });
    expect(aws.fetched).toEqual([`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/protocol/openid-connect/certs`]);
  });

  it('a token signed by another key: InvalidIdentityToken', async () => {
    const aws = setup();
    const res = await aws.assume(jwt(aws.claims(), { key: otherKey.privateKey }));
    expect(res.status).toBe(400);
    expect(res.error?.Code).toBe('InvalidIdentityToken');
  });

  it('an unsigned token (alg none): InvalidIdentityToken', async () => {
    const aws = setup();
    expect((await aws.assume(jwt(aws.claims(), { alg: 'none' }))).error?.Code).toBe('InvalidIdentityToken');
  });

  it('a token for another audience: InvalidIdentityToken "Incorrect token audience"', async () => {
    const aws = setup();
    const res = await aws.assume(jwt(aws.claims({ aud: 'someone-else' })));
    expect(res.error).toMatchObject({ Code: 'InvalidIdentityToken', Message: 'Incorrect token audience' });
  });

  it('a provider of several client ids and a trust listing them all: a token for any of them, and no other', async () => {
    const aws = setup({ clientIds: [CLIENT, 'console'], aud: [CLIENT, 'console'] });
    expect((await aws.assume(jwt(aws.claims({ aud: 'console' })))).result).toMatchObject({ Audience: 'console' });
    expect((await aws.assume(jwt(aws.claims()))).result).toMatchObject({ Audience: CLIENT });
    expect((await aws.assume(jwt(aws.claims({ aud: 'someone-else' })))).error?.Code).toBe('InvalidIdentityToken');
  });

  it('an audience the provider lists but the trust policy does not name: AccessDenied', async () => {
    const aws = setup({ clientIds: [CLIENT, 'console'] });
    expect((await aws.assume(jwt(aws.claims({ aud: 'console' })))).error?.Code).toBe('AccessDenied');
  });

  it('an expired token: ExpiredTokenException', async () => {
    const aws = setup();
    const now = Math.floor(aws.time.now().getTime() / 1000);
    const res = await aws.assume(jwt(aws.claims({ iat: now - 600, exp: now - 1 })));
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({
      Code: 'ExpiredTokenException',
      Message: expect.stringMatching(/^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/),
    });
  });

  it('a token not yet valid: InvalidIdentityToken', async () => {
    const aws = setup();
    const now = Math.floor(aws.time.now().getTime() / 1000);
    expect((await aws.assume(jwt(aws.claims({ nbf: now + 3600, exp: now + 7200 })))).error?.Code).toBe('InvalidIdentityToken');
  });

  it('a subject the trust policy does not name: AccessDenied', async () => {
    const aws = setup();
    const res = await aws.assume(jwt(aws.claims({ sub: 'mallory' })));
    expect(res.status).toBe(403);
    expect(res.error).toMatchObject({ Code: 'AccessDenied', Message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
  });

  it('an issuer with no IAM OIDC provider in the role’s account: InvalidIdentityToken', async () => {
    const aws = setup();
    const res = await aws.assume(jwt(aws.claims({ iss: 'https://evil.test' })));
    expect(res.error).toMatchObject({
      Code: 'InvalidIdentityToken',
      Message: 'No OpenIDConnect provider found in your account for https://evil.test',
    });
    expect(aws.fetched).toEqual([]);
  });

  it('an unreachable issuer: IDPCommunicationError', async () => {
    const aws = setup({ reachable: false });
    expect((await aws.assume(jwt(aws.claims()))).error?.Code).toBe('IDPCommunicationError');
  });

  it('not a JWT at all: InvalidIdentityToken', async () => {
    const aws = setup();
    expect((await aws.assume('not-a-jwt')).error?.Code).toBe('InvalidIdentityToken');
  });

  it('more than the role’s MaxSessionDuration is refused', async () => {
    const aws = setup();
    aws.store.roles.update(ACCT, 'web-reader', { maxSessionDuration: 3600 });
    const res = await aws.assume(jwt(aws.claims()), { DurationSeconds: '3601' });
    expect(res.error?.Message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  });

  it('session tags from the token need sts:TagSession in the trust policy', async () => {
    const tagged = { 'https://aws.amazon.com/tags': { principal_tags: { project: ['p1'] }, transitive_tag_keys: ['project'] } };
    const refused = setup();
    expect((await refused.assume(jwt(refused.claims(tagged)))).error?.Code).toBe('AccessDenied');
    const allowed = setup({ trustActions: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] });
    const res = await allowed.assume(jwt(allowed.claims(tagged)));
    expect(res.status).toBe(200);
    expect(allowed.callerOf(res.result.Credentials.AccessKeyId)).toMatchObject({ tags: { project: 'p1' }, transitiveTagKeys: ['project'] });
  });

  it('a discovery document that names no issuer, or another one: IDPCommunicationError', async () => {
    for (const discovery of [{}, { issuer: 'https://idp.test/realms/other' }]) {
      const aws = setup({ discovery });
      expect((await aws.assume(jwt(aws.claims()))).error?.Code).toBe('IDPCommunicationError');
    }
  });

  it('a source identity from the token needs sts:SetSourceIdentity in the trust policy, and is the session’s', async () => {
    const claim = { 'https://aws.amazon.com/source_identity': 'alice' };
    const refused = setup();
    expect((await refused.assume(jwt(refused.claims(claim)))).error?.Code).toBe('AccessDenied');
    const allowed = setup({ trustActions: ['sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity'] });
    const res = await allowed.assume(jwt(allowed.claims(claim)));
    expect(res.result.SourceIdentity).toBe('alice');
  });

  it('the session policy narrows the web identity session', async () => {
    const aws = setup();
    aws.store.roles.putPolicy(
      ACCT,
      'web-reader',
      's3',
      doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    );
    const policy = doc({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/alice/*' }],
    });
    const res = await aws.assume(jwt(aws.claims()), { Policy: policy });
    const session = aws.callerOf(res.result.Credentials.AccessKeyId);
    expect(aws.authorize(session, 's3:GetObject', 'arn:aws:s3:::data/alice/x').allowed).toBe(true);
    expect(aws.authorize(session, 's3:PutObject', 'arn:aws:s3:::data/alice/x').allowed).toBe(false);
  });
});
