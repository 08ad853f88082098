/**
 * gateway-oidc volumes end to end against the local stack (issue 14 §1). The API serves its issuer's discovery
 * document and JWKS without a token. docs/gateway-oidc.md runs as a reader runs it: alice registers a volume whose
 * role trusts the gateway's own issuer, runs the returned commands with /usr/bin/aws as the customer, then the
 * guarded provider registration again (the re-run must not fail on the existing provider; the other three commands
 * are updates of the same values), verifies it, gives bob read access, and both use the volume with
 * /usr/bin/aws through credential_process with 12-hour sessions (a web-identity volume serves its owner only). The
 * local STS verifies each gateway token through the customer's registered provider, fetching our discovery document
 * and JWKS over loopback. Then, on that volume: what verify proved, URLs beyond an hour, and a gateway token for
 * another volume's subject refused by STS.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsTokenSigner } from '../../shared/adapters/kms-token-signer';
import { startTestStack, type TestStack } from '../support/local-stack';
import { ok, parseGuide, readerEnv, runGuide } from './guides/blocks';

let stack: TestStack;
const tokens: Record<string, string> = {};

async function api(who: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.info.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  stack = await startTestStack();
  for (const who of ['alice', 'bob']) tokens[who] = stack.token({ sub: who });
}, 60_000);
afterAll(() => stack?.close());

describe('the gateway as an OpenID Connect issuer', () => {
  it('serves its discovery document and JWKS without a token, the issuer being the API base URL', async () => {
    const discovery = await fetch(`${stack.info.apiUrl}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const document = (await discovery.json()) as { jwks_uri: string };
    expect(document).toMatchObject({
      issuer: stack.info.apiUrl,
      jwks_uri: `${stack.info.apiUrl}/.well-known/jwks.json`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = await fetch(document.jwks_uri);
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const { keys } = (await jwks.json()) as { keys: unknown[] };
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
  });
});

describe('a gateway-oidc volume', () => {
  let volume: { id: string; auth: { roleArn: string }; setup: any; lastVerification: any };

  it('docs/gateway-oidc.md runs: setup, its provider registration re-run, verify, 12-hour sessions for owner and reader', async () => {
    const env = readerEnv(stack.dataDir, 'guide-home');
    const out = ok(await runGuide(parseGuide('docs/gateway-oidc.md'), { cwd: process.cwd(), env, timeoutMs: 120_000 }));
    expect(out['oidc-discovery']).toContain(`${stack.info.apiUrl}/.well-known/jwks.json`);
    expect(out['oidc-discovery']).toMatch(/^RSA RS256 \S+$/m);
    expect(out['oidc-register']).toMatch(/"[^"]+:sub":"volume:vol-\w+"/);
    expect(out['oidc-register']).toMatch(/^43200$/m);
    expect(out['oidc-verify']).not.toContain('FAIL');
    expect(out['oidc-verify']).toMatch(/^active$/m);
    expect(out['oidc-members']).toContain('bob read');
    expect(out['oidc-members']).toContain('run 1 done');
    expect(out['oidc-members']).toMatch(/^expires in 11 h$/m);
    const listed = await api('alice', 'GET', '/volumes');
    const id = listed.body.items.find((v: { name: string }) => v.name === 'lab-runs').id;
    volume = (await api('alice', 'GET', `/volumes/${id}`)).body;
  }, 150_000);

  it('has a trust on the gateway issuer for its own subject and our audience, and four commands', () => {
    const provider = stack.info.apiUrl.replace(/^http:\/\//, '');
    expect(volume.setup.trustPolicy.Statement[0]).toMatchObject({
      Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${provider}` },
      Action: ['sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity', 'sts:TagSession'],
      Condition: { StringEquals: { [`${provider}:aud`]: 'sts.amazonaws.com', [`${provider}:sub`]: `volume:${volume.id}` } },
    });
    expect(volume.setup.commands.map((c: string) => c.split(' ').slice(0, 3).join(' '))).toEqual([
      'aws iam get-open-id-connect-provider',
      'aws iam update-assume-role-policy',
      'aws iam put-role-policy',
      'aws iam update-role',
    ]);
  });

  it('was verified by assuming the role with its token and seeing another subject and another audience refused', () => {
    expect(volume.lastVerification.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['assume-role-with-gateway-token', true],
      ['max-session-duration', true],
      ['other-volume-token-refused', true],
      ['other-audience-refused', true],
      ['list-prefix', true],
      ['write-and-delete', true],
    ]);
  });

  it('vends a read member 12-hour credentials and presigns URLs that outlive an hour', async () => {
    const vended = await api('bob', 'POST', `/volumes/${volume.id}/credentials`, { durationSeconds: 43_200 });
    expect(vended.status).toBe(200);
    expect(Date.parse(vended.body.Expiration) - Date.now()).toBeGreaterThan(43_000_000);
    const signed = await api('bob', 'POST', `/volumes/${volume.id}/presign`, { key: 'run1.txt', method: 'GET', expiresIn: 6 * 3600 });
    expect(signed.body.expiresInSeconds).toBe(6 * 3600);
    expect(await (await fetch(signed.body.url)).text()).toBe('run 1 done\n');
  });

  it("lists its objects for a read member (GET …/objects) with a session of the gateway's own token", async () => {
    const listed = await api('bob', 'GET', `/volumes/${volume.id}/objects?delimiter=/`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.objects.map((o: { key: string }) => o.key)).toContain('run1.txt');
  });

  it('serves a read member through the S3 proxy with a gateway access key', async () => {
    const key = (await api('bob', 'POST', '/access-keys', { volumes: ['lab-runs'] })).body;
    const s3 = new S3Client({
      endpoint: stack.info.nodeProxyUrl,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      maxAttempts: 1,
    });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'lab-runs', Key: 'run1.txt' }));
    expect(await got.Body!.transformToString()).toBe('run 1 done\n');
    await expect(s3.send(new PutObjectCommand({ Bucket: 'lab-runs', Key: 'mine.txt', Body: 'x' }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('is refused at STS with a gateway token for another volume’s subject', async () => {
    // The gateway's own signer (its KMS key, with the stack's credentials): what another volume naming this role would get.
    const signer = new KmsTokenSigner({
      client: new KMSClient({}),
      issuer: stack.info.apiUrl,
      signingKeyId: process.env.GATEWAY_SIGNING_KEY_ID!,
    });
    const sts = new STSClient({
      endpoint: stack.info.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const assume = async (sub: string) =>
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: volume.auth.roleArn,
          RoleSessionName: 'probe',
          WebIdentityToken: await signer.sign({ sub, aud: 'sts.amazonaws.com', lifetimeSeconds: 60 }),
        }),
      );
    await expect(assume('volume:vol-someone-else')).rejects.toMatchObject({ name: 'AccessDenied' });
    expect((await assume(`volume:${volume.id}`)).SubjectFromWebIdentityToken).toBe(`volume:${volume.id}`);
  });
});
