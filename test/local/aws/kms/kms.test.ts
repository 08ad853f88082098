/**
 * The local KMS on its real wire protocol, driven by the AWS SDK v3 client and /usr/bin/aws: RSA signing keys whose
 * signatures verify against GetPublicKey's DER key with node:crypto, HMAC keys, aliases, ListKeys pages, KMS's own
 * error codes, IAM enforced as for the other services (a role without kms:Sign is refused in AWS's words), keys
 * kept across restarts, and faults in KMS's words.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { isThrottlingError } from '@smithy/core/retry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployKmsKeys } from '../../../../local/aws/kms/deployed-keys';
import { KmsStore } from '../../../../local/aws/kms/store';
import { loadServerlessModel } from '../../../../local/serverless-model';
import { startTestStack, type TestStack } from '../../../support/local-stack';

let stack: TestStack;
let signingKeyId: string;
let macKeyId: string;

const config = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, maxAttempts = 1) => ({
  endpoint: stack.info.awsEndpoint,
  region: stack.info.region,
  credentials,
  maxAttempts,
});
const customer = (index = 0) => {
  const { accessKeyId, secretAccessKey } = stack.info.customers[index]!;
  return { accessKeyId, secretAccessKey };
};
const kms = (index = 0) => new KMSClient(config(customer(index)));

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to fail');
  return error;
}

beforeAll(async () => {
  stack = await startTestStack();
  const signing = await kms().send(
    new CreateKeyCommand({
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      Description: 'tokens',
      Tags: [{ TagKey: 'purpose', TagValue: 'test' }],
    }),
  );
  signingKeyId = signing.KeyMetadata!.KeyId!;
  const mac = await kms().send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
  macKeyId = mac.KeyMetadata!.KeyId!;
}, 60_000);
afterAll(async () => stack?.close());

describe('signing keys', () => {
  it('describes a new RSA_2048 key as AWS does: its ARN in the caller account, enabled, with its signing algorithms', async () => {
    const { KeyMetadata } = await kms().send(new DescribeKeyCommand({ KeyId: signingKeyId }));
    expect(KeyMetadata).toMatchObject({
      AWSAccountId: stack.info.customers[0]!.accountId,
      Arn: `arn:aws:kms:${stack.info.region}:${stack.info.customers[0]!.accountId}:key/${signingKeyId}`,
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Enabled: true,
      Description: 'tokens',
    });
    expect(KeyMetadata!.SigningAlgorithms).toContain('RSASSA_PKCS1_V1_5_SHA_256');
    expect(KeyMetadata!.CreationDate).toBeInstanceOf(Date);
  });

  it('signs a raw message and its SHA-256 digest alike, and node:crypto verifies both with the DER public key', async () => {
    const message = Buffer.from('header.claims');
    const raw = await kms().send(
      new SignCommand({ KeyId: signingKeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }),
    );
    const digest = await kms().send(
      new SignCommand({
        KeyId: signingKeyId,
        Message: createHash('sha256').update(message).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
      }),
    );
    const { PublicKey, KeySpec } = await kms().send(new GetPublicKeyCommand({ KeyId: signingKeyId }));
    expect(KeySpec).toBe('RSA_2048');
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(Buffer.from(digest.Signature!)).toEqual(Buffer.from(raw.Signature!));
    expect(verify('sha256', message, publicKey, Buffer.from(raw.Signature!))).toBe(true);
    expect(raw.KeyId).toMatch(/^arn:aws:kms:/);
  });

  it('verifies its signatures, and answers KMSInvalidSignatureException for a message that was not signed', async () => {
    const input = { KeyId: signingKeyId, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' as const };
    const { Signature } = await kms().send(new SignCommand(input));
    expect((await kms().send(new VerifyCommand({ ...input, Signature }))).SignatureValid).toBe(true);
    const error = await failure(kms().send(new VerifyCommand({ ...input, Message: Buffer.from('n'), Signature })));
    expect(error.name).toBe('KMSInvalidSignatureException');
  });

  it('refuses a digest of the wrong length, an unknown key and a MAC key, each with its KMS code', async () => {
    const digest = await failure(
      kms().send(
        new SignCommand({
          KeyId: signingKeyId,
          Message: Buffer.alloc(20),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      ),
    );
    expect(digest.name).toBe('ValidationException');
    const unknown = await failure(kms().send(new DescribeKeyCommand({ KeyId: '00000000-0000-0000-0000-000000000000' })));
    expect(unknown.name).toBe('NotFoundException');
    expect(unknown.$metadata?.httpStatusCode).toBe(400);
    const usage = await failure(
      kms().send(new SignCommand({ KeyId: macKeyId, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' })),
    );
    expect(usage.name).toBe('InvalidKeyUsageException');
    expect((await failure(kms().send(new GetPublicKeyCommand({ KeyId: macKeyId })))).name).toBe('UnsupportedOperationException');
  });

  it('names keys by alias, and pages ListKeys with Limit and Marker', async () => {
    await kms().send(new CreateAliasCommand({ AliasName: 'alias/tokens', TargetKeyId: signingKeyId }));
    expect((await failure(kms().send(new CreateAliasCommand({ AliasName: 'alias/tokens', TargetKeyId: macKeyId })))).name).toBe(
      'AlreadyExistsException',
    );
    const { KeyMetadata } = await kms().send(new DescribeKeyCommand({ KeyId: 'alias/tokens' }));
    expect(KeyMetadata!.KeyId).toBe(signingKeyId);
    const { Aliases } = await kms().send(new ListAliasesCommand({ KeyId: signingKeyId }));
    expect(Aliases!.map((a) => a.AliasName)).toEqual(['alias/tokens']);

    const first = await kms().send(new ListKeysCommand({ Limit: 1 }));
    expect(first.Truncated).toBe(true);
    const second = await kms().send(new ListKeysCommand({ Limit: 1, Marker: first.NextMarker }));
    expect([first.Keys![0]!.KeyId, second.Keys![0]!.KeyId]).toEqual([signingKeyId, macKeyId]);
    expect(second.Truncated).toBe(false);
    expect((await failure(kms().send(new ListKeysCommand({ Marker: 'nope' })))).name).toBe('InvalidMarkerException');
    // Keys are regional and per account: the other customer lists none of these.
    expect((await kms(1).send(new ListKeysCommand({}))).Keys).toEqual([]);
  });
});

describe('MAC keys', () => {
  it('generates an HMAC_SHA_256 MAC that VerifyMac accepts, and answers KMSInvalidMacException for another', async () => {
    const input = { KeyId: macKeyId, Message: Buffer.from('VGAKAAAAAAAAAAAAAAAA:salt'), MacAlgorithm: 'HMAC_SHA_256' as const };
    const { Mac } = await kms().send(new GenerateMacCommand(input));
    expect(Mac).toHaveLength(32);
    expect(Buffer.from((await kms().send(new GenerateMacCommand(input))).Mac!)).toEqual(Buffer.from(Mac!));
    expect((await kms().send(new VerifyMacCommand({ ...input, Mac }))).MacValid).toBe(true);
    const error = await failure(kms().send(new VerifyMacCommand({ ...input, Mac: Buffer.alloc(32) })));
    expect(error.name).toBe('KMSInvalidMacException');
  });
});

describe('IAM and accounts', () => {
  it('refuses kms:Sign to a role whose policies do not allow it, in AWS words, and lets it verify', async () => {
    const accountId = stack.info.customers[0]!.accountId;
    const iam = new IAMClient(config(customer()));
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: accountId }, Action: 'sts:AssumeRole' }] };
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'kms-verifier', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Verify', 'kms:GetPublicKey'], Resource: '*' }] };
    await iam.send(new PutRolePolicyCommand({ RoleName: 'kms-verifier', PolicyName: 'verify', PolicyDocument: JSON.stringify(policy) }));
    const session = stack.accounts.mintRoleSession(Role!.Arn!, { sessionName: 'verifier' });
    const asRole = new KMSClient(config(session));

    const input = { KeyId: signingKeyId, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' as const };
    const refused = await failure(asRole.send(new SignCommand(input)));
    expect(refused.name).toBe('AccessDeniedException');
    expect(refused.$metadata?.httpStatusCode).toBe(400);
    const keyArn = `arn:aws:kms:${stack.info.region}:${accountId}:key/${signingKeyId}`;
    expect(refused.message).toBe(
      `User: arn:aws:sts::${accountId}:assumed-role/kms-verifier/verifier is not authorized to perform: kms:Sign on resource: ${keyArn} ` +
        'because no identity-based policy allows the kms:Sign action',
    );
    const { Signature } = await kms().send(new SignCommand(input));
    expect((await asRole.send(new VerifyCommand({ ...input, Signature }))).SignatureValid).toBe(true);
  });

  it("refuses another account's key by ARN (no key policy grants it) and does not find it by id", async () => {
    const arn = `arn:aws:kms:${stack.info.region}:${stack.info.customers[0]!.accountId}:key/${signingKeyId}`;
    expect((await failure(kms(1).send(new DescribeKeyCommand({ KeyId: arn })))).name).toBe('AccessDeniedException');
    expect((await failure(kms(1).send(new DescribeKeyCommand({ KeyId: signingKeyId })))).name).toBe('NotFoundException');
  });
});

describe("the local deployment's keys", () => {
  const platform = () => new KMSClient(config(stack.accounts.mintRoleSession(stack.accounts.platform.roleArn, { sessionName: 'gw' })));
  const sign = (KeyId: string) =>
    new SignCommand({ KeyId, Message: Buffer.alloc(32), MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' });

  it("makes serverless.yml's keys at boot and names them to the service, whose role signs and MACs with them, nothing more", async () => {
    const signingKey = process.env.GATEWAY_SIGNING_KEY_ID!;
    const macKey = process.env.ACCESS_KEY_MAC_KEY_ID!;
    expect(signingKey).toMatch(/^[0-9a-f-]{36}$/);
    const gateway = platform();
    await gateway.send(sign(signingKey));
    await gateway.send(new GetPublicKeyCommand({ KeyId: signingKey }));
    await gateway.send(new GenerateMacCommand({ KeyId: macKey, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }));
    for (const refused of [
      gateway.send(new VerifyCommand({ ...sign(signingKey).input, Signature: Buffer.alloc(256) })),
      gateway.send(new GenerateMacCommand({ KeyId: signingKey, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' })),
      gateway.send(new DescribeKeyCommand({ KeyId: macKey })),
      gateway.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })),
    ]) {
      expect((await failure(refused)).name).toBe('AccessDeniedException');
    }
  });

  it('makes each key once: a restart on the same data finds it, with the same private key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-kms-'));
    const keys = loadServerlessModel('serverless.yml', { stage: 'local' }).kmsKeys!;
    const options = { accountId: '000000000000', region: 'us-east-1', now: new Date() };
    const first = deployKmsKeys(KmsStore.open({ dataDir: dir }), keys, options);
    const again = deployKmsKeys(KmsStore.open({ dataDir: dir }), keys, options);
    expect(Object.keys(first).sort()).toEqual(['AccessKeyMacKey', 'GatewaySigningKey']);
    expect(again.GatewaySigningKey!.material).toBe(first.GatewaySigningKey!.material);
    expect(again.AccessKeyMacKey).toMatchObject({ keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' });
    expect(first.GatewaySigningKey!.keyId).toBe(process.env.GATEWAY_SIGNING_KEY_ID);
  });

  it('evaluates a grant on keys by their tag (aws:ResourceTag), as the role grants GetPublicKey on a replaced signing key', async () => {
    const accountId = stack.info.customers[0]!.accountId;
    const iam = new IAMClient(config(customer()));
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: accountId }, Action: 'sts:AssumeRole' }] };
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'jwks-reader', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const statement = {
      Effect: 'Allow',
      Action: 'kms:GetPublicKey',
      Resource: `arn:aws:kms:${stack.info.region}:${accountId}:key/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/volume-gateway:signing-key': 'volume-gateway-local' } },
    };
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'jwks-reader', PolicyName: 'jwks', PolicyDocument: policy }));
    const tagged = await kms().send(
      new CreateKeyCommand({
        KeySpec: 'RSA_2048',
        KeyUsage: 'SIGN_VERIFY',
        Tags: [{ TagKey: 'volume-gateway:signing-key', TagValue: 'volume-gateway-local' }],
      }),
    );
    const reader = new KMSClient(config(stack.accounts.mintRoleSession(Role!.Arn!, { sessionName: 'jwks' })));
    await reader.send(new GetPublicKeyCommand({ KeyId: tagged.KeyMetadata!.KeyId }));
    expect((await failure(reader.send(new GetPublicKeyCommand({ KeyId: signingKeyId })))).name).toBe('AccessDeniedException');
  });
});

describe('the local KMS as a service', () => {
  it('keeps keys (private material included) in a file only its owner reads, and signs with them after a restart', () => {
    const file = join(stack.dataDir, 'kms', 'keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const reopened = KmsStore.open({ dataDir: join(stack.dataDir, 'kms') });
    const arn = `arn:aws:kms:${stack.info.region}:${stack.info.customers[0]!.accountId}:key/${signingKeyId}`;
    expect(reopened.key(arn)?.keySpec).toBe('RSA_2048');
  });

  it('answers faults as KMS does (ThrottlingException, which the SDK retries; KMSInternalException), also set over HTTP', async () => {
    stack.faults.add({ target: 'kms', action: 'DescribeKey', fault: { kind: 'throttle' }, times: 1 });
    const error = await failure(kms().send(new DescribeKeyCommand({ KeyId: signingKeyId })));
    expect(error.name).toBe('ThrottlingException');
    expect(isThrottlingError(error as never)).toBe(true);
    stack.faults.add({ target: 'kms', action: 'DescribeKey', fault: { kind: 'throttle' }, times: 1 });
    const retried = await new KMSClient(config(customer(), 3)).send(new DescribeKeyCommand({ KeyId: signingKeyId }));
    expect(retried.KeyMetadata!.KeyId).toBe(signingKeyId);
    // Another process injects the same over HTTP.
    const rule = { target: 'kms', action: 'Sign', fault: { kind: 'fail' }, times: 1 };
    const added = await fetch(`${stack.info.awsEndpoint}/_local/faults`, { method: 'POST', body: JSON.stringify(rule) });
    expect(added.status).toBe(200);
    const failed = await failure(
      kms().send(new SignCommand({ KeyId: signingKeyId, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' })),
    );
    expect(failed.name).toBe('KMSInternalException');
    expect(failed.$metadata?.httpStatusCode).toBe(500);
  });

  it('serves /usr/bin/aws kms: get-public-key, sign, verify, generate-mac, and a refusal', async () => {
    const env = stack.customerEnv(0);
    const messageFile = join(stack.dataDir, 'kms-cli-message');
    writeFileSync(messageFile, 'signed by the CLI');
    const keyArn = `arn:aws:kms:${stack.info.region}:${stack.info.customers[0]!.accountId}:key/${signingKeyId}`;
    // One CLI start costs seconds here: the independent calls run side by side.
    const [publicKeyOut, signedOut, macOut, refusal] = await Promise.all([
      stack.aws(env, 'kms', 'get-public-key', '--key-id', signingKeyId),
      stack.aws(
        env,
        'kms',
        'sign',
        '--key-id',
        'alias/tokens',
        '--message',
        `fileb://${messageFile}`,
        '--message-type',
        'RAW',
        '--signing-algorithm',
        'RSASSA_PKCS1_V1_5_SHA_256',
      ),
      stack.aws(env, 'kms', 'generate-mac', '--key-id', macKeyId, '--message', `fileb://${messageFile}`, '--mac-algorithm', 'HMAC_SHA_256'),
      stack.aws(stack.customerEnv(1), 'kms', 'get-public-key', '--key-id', keyArn).then(
        () => '',
        (error: Error) => error.message,
      ),
    ]);
    const publicKey = JSON.parse(publicKeyOut);
    expect(publicKey.KeyId).toBe(keyArn);
    const key = createPublicKey({ key: Buffer.from(publicKey.PublicKey, 'base64'), format: 'der', type: 'spki' });
    const signed = JSON.parse(signedOut);
    expect(Buffer.from(JSON.parse(macOut).Mac, 'base64')).toHaveLength(32);
    expect(refusal).toMatch(/AccessDeniedException.*not authorized to perform: kms:GetPublicKey/);
    const signature = Buffer.from(signed.Signature, 'base64');
    expect(verify('sha256', readFileSync(messageFile), key, signature)).toBe(true);
    const signatureFile = join(stack.dataDir, 'kms-cli-signature');
    writeFileSync(signatureFile, signature);
    const verified = JSON.parse(
      await stack.aws(
        env,
        'kms',
        'verify',
        '--key-id',
        signingKeyId,
        '--message',
        `fileb://${messageFile}`,
        '--signature',
        `fileb://${signatureFile}`,
        '--signing-algorithm',
        'RSASSA_PKCS1_V1_5_SHA_256',
      ),
    );
    expect(verified.SignatureValid).toBe(true);
  });
});
