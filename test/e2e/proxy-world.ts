/**
 * The world of the proxy's end-to-end tests, on the real local stack: alice's read-write volume
 * `alice-genomes` (bucket alice-lab, prefix project-x) and her `alice-archive` (same bucket, prefix archive),
 * carol a read member of alice-genomes, and bob's `bob-data` (bucket bob-lab) that alice cannot read. Each is
 * registered and verified through the API, with the returned commands applied verbatim. Data sits beside the
 * prefixes, so a proxy that leaked outside a root would show it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';
import { claimSnapshot } from '../support/run-snapshot';

const exec = promisify(execFile);

export interface ProxyWorld {
  stack: TestStack;
  tokens: Record<string, string>;
  volumes: Record<string, { id: string }>;
  /** Gateway keys by user (alice, carol, bob), each for every volume they are a member of. */
  keys: Record<string, { accessKeyId: string; secretAccessKey: string }>;
  api(who: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** An S3 client for `who` against `endpoint`: a gateway key, or (`jwt`) the token as access key id. */
  s3(who: string, endpoint: string, mode?: 'key' | 'jwt'): S3Client;
}

/** What a copy of the world needs besides its data directory: tokens are minted again for the new issuer URL. */
type Built = Pick<ProxyWorld, 'volumes' | 'keys'>;

/**
 * The world is built once per test run (run-snapshot.ts): the first file builds it as described above, and every
 * other file starts the stack on its own copy of that data directory. `fresh` builds it here regardless, for a
 * test of what building it does (e.g. what the stack logs meanwhile).
 */
export async function startProxyWorld(options: { fresh?: boolean } = {}): Promise<ProxyWorld> {
  const claim = options.fresh ? undefined : await claimSnapshot<Built>('proxy-world');
  if (claim?.kind === 'copy') return worldOn(await startTestStack({ dataDir: claim.dataDir }), claim.meta);
  const world = worldOn(await startTestStack(), { volumes: {}, keys: {} });
  try {
    await build(world);
  } catch (error) {
    claim?.failed();
    throw error;
  }
  claim?.publish(world.stack.dataDir, { volumes: world.volumes, keys: world.keys });
  return world;
}

function worldOn(stack: TestStack, { volumes, keys }: Built): ProxyWorld {
  const tokens: Record<string, string> = {};
  for (const who of ['alice', 'bob', 'carol', 'dave']) tokens[who] = stack.token({ sub: who });

  const api = async (who: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.info.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const s3 = (who: string, endpoint: string, mode: 'key' | 'jwt' = 'key') =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: mode === 'key' ? keys[who]! : { accessKeyId: tokens[who]!, secretAccessKey: 'N/A' },
    });

  return { stack, tokens, volumes, keys, api, s3 };
}

/**
 * Buckets, data beside the prefixes, the three volumes (commands applied verbatim, verified), carol, gateway keys.
 * What does not depend on another step runs at once (each aws cli start is about a second of Python): the two
 * buckets, then the seeds and the three volumes, each volume's own steps in order.
 */
async function build({ stack, api, volumes, keys }: ProxyWorld): Promise<void> {
  const customer = stack.customerEnv(0);
  await Promise.all(['alice-lab', 'bob-lab'].map((bucket) => stack.aws(customer, 's3', 'mb', `s3://${bucket}`)));
  const seed = `${stack.dataDir}/seed.txt`;
  await exec('bash', ['-c', `printf 'not for the volume\\n' > "${seed}"`]);

  const placeholder = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
  });
  const register = async (owner: string, name: string, bucket: string, prefix: string) => {
    const role = JSON.parse(
      await stack.aws(customer, 'iam', 'create-role', '--role-name', `role-${name}`, '--assume-role-policy-document', placeholder),
    );
    const created = await api(owner, 'POST', '/volumes', {
      name,
      bucket,
      prefix,
      region: 'us-east-1',
      accessMode: 'read-write',
      auth: { type: 'role', roleArn: role.Role.Arn },
    });
    expect(created.status).toBe(201);
    for (const command of created.body.setup.commands as string[]) {
      await exec('bash', ['-euo', 'pipefail', '-c', `aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }\n${command}`], {
        env: { ...customer, ENDPOINT: stack.info.awsEndpoint },
        timeout: 60_000,
      });
    }
    expect((await api(owner, 'POST', `/volumes/${created.body.id}/verify`)).body.status).toBe('active');
    volumes[name] = { id: created.body.id };
  };
  await Promise.all([
    stack.aws(customer, 's3', 'cp', seed, 's3://alice-lab/project-x-evil/secret.txt'),
    stack.aws(customer, 's3', 'cp', seed, 's3://alice-lab/other/secret.txt'),
    register('alice', 'alice-genomes', 'alice-lab', 'project-x'),
    register('alice', 'alice-archive', 'alice-lab', 'archive'),
    register('bob', 'bob-data', 'bob-lab', ''),
  ]);
  expect((await api('alice', 'PUT', `/volumes/${volumes['alice-genomes']!.id}/members/carol`, { access: 'read' })).status).toBe(200);

  for (const who of ['alice', 'carol', 'bob']) {
    const created = await api(who, 'POST', '/access-keys', {});
    expect(created.status).toBe(201);
    keys[who] = { accessKeyId: created.body.accessKeyId, secretAccessKey: created.body.secretAccessKey };
  }
}
