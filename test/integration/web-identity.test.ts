/**
 * AssumeRoleWithWebIdentity on the local STS verifies the caller's OIDC token against an identity
 * provider registered in the role's account and the trust policy's aud/sub conditions (the Galaxy
 * document's set-up), with the real SDK and the dev issuer over loopback HTTP. Then a web-identity volume
 * whose returned commands the customer runs with /usr/bin/aws over that (already registered) provider: every
 * audience the API accepts (the CLI's and the web console's client ids) gets credentials, another does not.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CLIENT_ID } from '../../local/oidc/console-client';
import { startTestStack, type TestStack } from '../support/local-stack';
import { apiAs, customerClients } from '../support/sdk-volume';

let stack: TestStack;
let roleArn: string;

const sts = () =>
  new STSClient({
    endpoint: stack.info.awsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  });
const assume = (token: string) =>
  sts().send(
    new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'web', WebIdentityToken: token, DurationSeconds: 7200 }),
  );

beforeAll(async () => {
  stack = await startTestStack();
  // The customer's side with the SDK (the aws cli's run of these steps is the guides'): the provider, then the role.
  const iam = customerClients(stack).iam;
  const issuerHost = stack.info.issuer.replace(/^https?:\/\//, '');
  await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: stack.info.issuer,
      ClientIDList: [stack.info.audience],
      ThumbprintList: ['a'.repeat(40)],
    }),
  );
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuerHost}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${issuerHost}:aud`]: stack.info.audience, [`${issuerHost}:sub`]: 'alice' } },
      },
    ],
  };
  const created = await iam.send(
    new CreateRoleCommand({ RoleName: 'GalaxyReader', MaxSessionDuration: 43_200, AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  roleArn = created.Role!.Arn!;
  iam.destroy();
}, 60_000);

afterAll(() => stack?.close());

describe('AssumeRoleWithWebIdentity', () => {
  it('accepts a token from the registered provider for the named subject, beyond the 1-hour chaining cap', async () => {
    const result = await assume(stack.token({ sub: 'alice' }));
    expect(result.SubjectFromWebIdentityToken).toBe('alice');
    expect(result.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111111111111:assumed-role/GalaxyReader/web');
    expect(result.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(7100_000);
  });

  it('refuses another subject (trust policy sub condition)', async () => {
    await expect(assume(stack.token({ sub: 'mallory' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses a token for another audience', async () => {
    await expect(assume(stack.token({ sub: 'alice' }, { audience: 'some-other-app' }))).rejects.toMatchObject({
      name: 'InvalidIdentityTokenException',
    });
  });

  it('refuses a token whose payload was altered', async () => {
    const [header, payload, signature] = stack.token({ sub: 'bob' }).split('.');
    const forged = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('"bob"', '"alice"')).toString('base64url');
    await expect(assume(`${header}.${forged}.${signature}`)).rejects.toMatchObject({ name: 'InvalidIdentityTokenException' });
  });

  it('refuses an expired token', async () => {
    await expect(
      assume(stack.issuer.sign({ sub: 'alice' }, { ttlSeconds: 60, now: new Date(Date.now() - 3600_000) })),
    ).rejects.toMatchObject({ name: 'ExpiredTokenException' });
  });
});

describe('a web-identity volume set up with the returned commands', () => {
  /** Runs the commands the API returned, verbatim, with the Debian aws cli as the customer, on the local AWS. */
  async function applySetup(commands: string[]): Promise<void> {
    for (const command of commands) {
      const script = `aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }\n${command}`;
      const env = { ...stack.customerEnv(0), ENDPOINT: stack.info.awsEndpoint };
      await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { env, timeout: 30_000 });
    }
  }

  it('vends credentials for a token of every audience the API accepts (the web console too), over an existing provider', async () => {
    // The account's provider exists already (beforeAll) and lists only `npm run token`'s audience, as one
    // registered before the console did.
    const { s3, iam } = customerClients(stack);
    await s3.send(new CreateBucketCommand({ Bucket: 'web-lab' }));
    const placeholder = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' }],
    };
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'WebLab', AssumeRolePolicyDocument: JSON.stringify(placeholder) }));
    const alice = apiAs(stack, stack.token({ sub: 'alice' }));
    const created = await alice('POST', '/volumes', {
      name: 'web-lab',
      bucket: 'web-lab',
      region: 'us-east-1',
      accessMode: 'read-only',
      auth: { type: 'web-identity', roleArn: role.Role!.Arn },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await applySetup(created.body.setup.commands);
    expect((await alice('POST', `/volumes/${created.body.id}/verify`)).body.status).toBe('active');

    const credentials = (token: string) => apiAs(stack, token)('POST', `/volumes/${created.body.id}/credentials`, {});
    const fromConsole = await credentials(stack.token({ sub: 'alice' }, { audience: CONSOLE_CLIENT_ID }));
    expect(fromConsole.status, JSON.stringify(fromConsole.body)).toBe(200);
    expect(fromConsole.body.AccessKeyId).toMatch(/^ASIA/);
    expect((await credentials(stack.token({ sub: 'alice' }))).status).toBe(200);
    const other = await credentials(stack.token({ sub: 'alice' }, { audience: 'some-other-app' }));
    expect(other.status).toBe(401);
    iam.destroy();
    s3.destroy();
  }, 60_000);
});
