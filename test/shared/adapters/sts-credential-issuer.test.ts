/**
 * The STS credential issuer against the local STS: our service (a session of the platform role)
 * assuming a customer's role that a customer set up (with the SDK), and a web-identity role
 * assumed with a user's token and no credentials of ours at all.
 */
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStsCredentialIssuer, resetStsClients } from '../../../shared/adapters/sts-credential-issuer';
import { AssumeRoleRefused, type CredentialIssuer } from '../../../shared/volumes/ports';
import { startTestStack, type TestStack } from '../../support/local-stack';
import { closedPort, createCustomerRole, customerIam, gatewaySts, trustRequiringExternalId } from './helpers';

let stack: TestStack;
let issuer: CredentialIssuer;
let roleArn: string;
let narrowTrustRoleArn: string;
let webRoleArn: string;
const EXTERNAL_ID = 'vg-3b1e9c0d5a7f42e8';

beforeAll(async () => {
  stack = await startTestStack();
  issuer = createStsCredentialIssuer({ client: gatewaySts(stack) });
  roleArn = await createCustomerRole(stack, 'VolumeGatewayAccess', trustRequiringExternalId(stack, EXTERNAL_ID));
  narrowTrustRoleArn = await createCustomerRole(stack, 'AssumeOnly', trustRequiringExternalId(stack, EXTERNAL_ID, ['sts:AssumeRole']));
  const issuerHost = stack.info.issuer.replace(/^https?:\/\//, '');
  await customerIam(stack).send(
    new CreateOpenIDConnectProviderCommand({
      Url: stack.info.issuer,
      ClientIDList: [stack.info.audience],
      ThumbprintList: ['a'.repeat(40)],
    }),
  );
  webRoleArn = await createCustomerRole(
    stack,
    'WebReader',
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuerHost}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${issuerHost}:aud`]: stack.info.audience, [`${issuerHost}:sub`]: 'alice' } },
        },
      ],
    },
    undefined,
    43_200,
  );
}, 120_000);

afterAll(async () => {
  resetStsClients();
  await stack?.close();
});

const request = (overrides: Partial<Parameters<CredentialIssuer['assumeRole']>[0]> = {}) => ({
  roleArn,
  sessionName: 'vg-probe',
  externalId: EXTERNAL_ID,
  durationSeconds: 900,
  region: stack.info.region,
  ...overrides,
});

async function callerArn(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }): Promise<string | undefined> {
  const sts = new STSClient({ endpoint: stack.info.awsEndpoint, region: stack.info.region, credentials });
  return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
}

async function refusal(promise: Promise<unknown>): Promise<AssumeRoleRefused> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AssumeRoleRefused);
  return error as AssumeRoleRefused;
}

describe('assumeRole', () => {
  it('returns working credentials for the right external id, living as long as asked', async () => {
    const credentials = await issuer.assumeRole(
      request({ durationSeconds: 1800, sourceIdentity: 'alice@example.org', tags: { volume: 'vol-1', subject: 'alice' } }),
    );
    expect(credentials.sessionToken).toBeTruthy();
    const lifetime = credentials.expiration.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(1790_000);
    expect(lifetime).toBeLessThanOrEqual(1800_000);
    expect(await callerArn(credentials)).toBe('arn:aws:sts::111111111111:assumed-role/VolumeGatewayAccess/vg-probe');
  });

  it('refuses a wrong external id or none: AssumeRoleRefused(AccessDenied)', async () => {
    expect(await refusal(issuer.assumeRole(request({ externalId: 'someone-elses-id' })))).toMatchObject({ code: 'AccessDenied' });
    expect(await refusal(issuer.assumeRole(request({ externalId: undefined })))).toMatchObject({ code: 'AccessDenied' });
  });

  it('refuses 3601 seconds, since our own session assuming a role is role chaining: AssumeRoleRefused(ValidationError)', async () => {
    const error = await refusal(issuer.assumeRole(request({ durationSeconds: 3601 })));
    expect(error.code).toBe('ValidationError');
    expect(error.message).toMatch(/chaining/);
  });

  it('sends session tags and the source identity, which the role’s trust policy must allow', async () => {
    await expect(issuer.assumeRole(request({ roleArn: narrowTrustRoleArn }))).resolves.toBeDefined();
    expect(await refusal(issuer.assumeRole(request({ roleArn: narrowTrustRoleArn, tags: { volume: 'vol-1' } })))).toMatchObject({
      code: 'AccessDenied',
    });
    expect(await refusal(issuer.assumeRole(request({ roleArn: narrowTrustRoleArn, sourceIdentity: 'alice' })))).toMatchObject({
      code: 'AccessDenied',
    });
  });

  it('sends the session policy: one STS cannot parse is refused (MalformedPolicyDocument)', async () => {
    expect(await refusal(issuer.assumeRole(request({ policy: '{"Version": "2012-10-17", "Statement": "nope"' })))).toMatchObject({
      code: 'MalformedPolicyDocument',
    });
  });

  it('works with the default clients too: endpoint and credentials from the environment, as on Lambda', async () => {
    const credentials = await createStsCredentialIssuer().assumeRole(request());
    expect(await callerArn(credentials)).toBe('arn:aws:sts::111111111111:assumed-role/VolumeGatewayAccess/vg-probe');
  });
});

describe('assumeRoleWithWebIdentity', () => {
  /** No credentials at all: the call must not need any. */
  const anonymous = createStsCredentialIssuer({
    client: (region) =>
      new STSClient({
        endpoint: stack.info.awsEndpoint,
        region,
        credentials: async () => {
          throw new Error('AssumeRoleWithWebIdentity must not ask for credentials');
        },
      }),
  });
  const web = (token: string) => ({
    roleArn: webRoleArn,
    sessionName: 'web',
    webIdentityToken: token,
    durationSeconds: 7200,
    region: stack.info.region,
  });

  it('returns credentials for the trusted subject’s token without any caller credentials, beyond the 1-hour chaining cap', async () => {
    const credentials = await anonymous.assumeRoleWithWebIdentity(web(stack.token({ sub: 'alice' })));
    expect(credentials.expiration.getTime() - Date.now()).toBeGreaterThan(7100_000);
    expect(await callerArn(credentials)).toBe('arn:aws:sts::111111111111:assumed-role/WebReader/web');
  });

  it('refuses another subject (AccessDenied) and another audience (InvalidIdentityToken)', async () => {
    expect(await refusal(anonymous.assumeRoleWithWebIdentity(web(stack.token({ sub: 'mallory' }))))).toMatchObject({
      code: 'AccessDenied',
    });
    expect(
      await refusal(anonymous.assumeRoleWithWebIdentity(web(stack.token({ sub: 'alice' }, { audience: 'another-app' })))),
    ).toMatchObject({ code: 'InvalidIdentityToken' });
  });
});

describe('when STS does not answer', () => {
  it('rejects with DependencyUnavailable (StsUnavailable), not a refusal', async () => {
    const port = await closedPort();
    const unreachable = createStsCredentialIssuer({
      client: (region) =>
        new STSClient({
          endpoint: `http://127.0.0.1:${port}`,
          region,
          maxAttempts: 2,
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
        }),
    });
    await expect(unreachable.assumeRole(request())).rejects.toMatchObject({
      status: 503,
      code: 'StsUnavailable',
      message: 'STS did not answer; try again shortly.',
    });
    await expect(
      unreachable.assumeRoleWithWebIdentity({
        roleArn: webRoleArn,
        sessionName: 'web',
        webIdentityToken: 'x.y.z',
        durationSeconds: 900,
        region: 'us-east-1',
      }),
    ).rejects.toMatchObject({
      code: 'StsUnavailable',
    });
  });

  it('passes an abort through as the abort it is', async () => {
    const error = await issuer.assumeRole(request({ signal: AbortSignal.abort() })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
  });
});

describe('clients', () => {
  it('creates one client per region and reuses it', async () => {
    const created: string[] = [];
    const make = gatewaySts(stack);
    const counting = createStsCredentialIssuer({
      client: (region) => {
        created.push(region);
        return make(region);
      },
    });
    await counting.assumeRole(request());
    await counting.assumeRole(request());
    await counting.assumeRole(request({ region: 'eu-west-1' }));
    expect(created).toEqual([stack.info.region, 'eu-west-1']);
  });
});
