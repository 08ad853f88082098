/**
 * The world of the proxy's end-to-end tests, on the real local stack: alice's read-write volume
 * `alice-genomes` (bucket alice-lab, prefix project-x) and her `alice-archive` (same bucket, prefix archive),
 * carol a read member of alice-genomes, and bob's `bob-data` (bucket bob-lab) that alice cannot read. Each is
 * registered and verified through the API, with the returned commands applied verbatim. Data sits beside the
 * prefixes, so a proxy that leaked outside a root would show it.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateRoleCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';
import { claimSnapshot } from '../support/run-snapshot';
import { customerClients } from '../support/sdk-volume';
import { type ClientRun, ok, runClient } from './proxy-clients/clients';

const exec = promisify(execFile);
const AWS_BATCH = join(import.meta.dirname, 'proxy-clients/aws-batch.py');

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
 * test of what building it does (e.g. what the stack logs meanwhile); such a test may have the customer's side done
 * with the SDK (`customer: 'sdk'`) instead of /usr/bin/aws, a second of Python start-up per call, when its point is
 * the stack's side.
 */
export async function startProxyWorld(options: { fresh?: boolean; customer?: 'aws-cli' | 'sdk' } = {}): Promise<ProxyWorld> {
  const claim = options.fresh ? undefined : await claimSnapshot<Built>('proxy-world');
  if (claim?.kind === 'copy') return worldOn(await startTestStack({ dataDir: claim.dataDir }), claim.meta);
  const world = worldOn(await startTestStack(), { volumes: {}, keys: {} });
  try {
    const customer = options.customer === 'sdk' ? sdkCustomer(world.stack) : cliCustomer(world.stack);
    await build(world, customer).finally(() => customer.close());
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

/** What the customer does while the world is built: make a bucket, put an object, make a role, apply a volume's setup. */
interface Customer {
  makeBucket(bucket: string): Promise<unknown>;
  put(bucket: string, key: string, body: string): Promise<unknown>;
  /** The new role's ARN. */
  makeRole(roleName: string, trust: string): Promise<string>;
  applySetup(roleName: string, setup: { commands: string[]; trustPolicy: unknown; permissionsPolicy: unknown }): Promise<void>;
  close(): void;
}

/**
 * /usr/bin/aws with the customer's keys, the setup's commands run verbatim. The customer's own commands asked for at
 * the same moment (the two buckets; the seeds and the three roles) run in one Python process (aws-batch.py, the cli's
 * entry point, a fresh driver per command): each start of the cli is a second of CPU, and every other file waits for
 * this world.
 */
function cliCustomer(stack: TestStack): Customer {
  const customer = stack.customerEnv(0);
  let asked: Array<{ args: string[]; done: (run: ClientRun) => void; fail: (error: Error) => void }> = [];
  const runAsked = async () => {
    const batch = asked;
    asked = [];
    const argv = batch.map(({ args }) => ['--endpoint-url', stack.info.awsEndpoint, '--output', 'json', ...args]);
    let runs: ClientRun[];
    try {
      runs = JSON.parse(ok(await runClient('/usr/bin/python3', [AWS_BATCH, JSON.stringify(argv)], customer)));
    } catch (error) {
      for (const { fail } of batch) fail(error as Error);
      return;
    }
    for (const [i, { done }] of batch.entries()) done(runs[i]!);
  };
  const aws = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      if (asked.length === 0) setImmediate(runAsked);
      asked.push({
        args,
        done: (run) => (run.code === 0 ? resolve(run.stdout) : reject(new Error(`aws ${args.join(' ')} failed: ${run.stderr.trim()}`))),
        fail: reject,
      });
    });
  return {
    makeBucket: (bucket) => aws('s3', 'mb', `s3://${bucket}`),
    put: async (bucket, key, body) => {
      const file = `${stack.dataDir}/seed-${key.replace(/\W/g, '-')}.txt`;
      writeFileSync(file, body);
      return aws('s3', 'cp', file, `s3://${bucket}/${key}`);
    },
    makeRole: async (roleName, trust) =>
      JSON.parse(await aws('iam', 'create-role', '--role-name', roleName, '--assume-role-policy-document', trust)).Role.Arn,
    applySetup: async (_roleName, { commands }) => {
      for (const command of commands) {
        await exec('bash', ['-euo', 'pipefail', '-c', `aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }\n${command}`], {
          env: { ...customer, ENDPOINT: stack.info.awsEndpoint },
          timeout: 60_000,
        });
      }
    },
    close: () => {},
  };
}

/** The same with the SDK: the returned policies put on the role as the commands would put them. */
function sdkCustomer(stack: TestStack): Customer {
  const { s3, iam } = customerClients(stack);
  return {
    makeBucket: (bucket) => s3.send(new CreateBucketCommand({ Bucket: bucket })),
    put: (bucket, key, body) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
    makeRole: async (roleName, trust) =>
      (await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }))).Role!.Arn!,
    applySetup: async (roleName, { trustPolicy, permissionsPolicy }) => {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(trustPolicy) }));
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: `volume-${roleName}`,
          PolicyDocument: JSON.stringify(permissionsPolicy),
        }),
      );
    },
    close: () => {
      s3.destroy();
      iam.destroy();
    },
  };
}

/**
 * Buckets, data beside the prefixes, the three volumes (setup applied, verified), carol, gateway keys. What does not
 * depend on another step runs at once (each aws cli start is about a second of Python): the two buckets, then the
 * seeds and the three volumes, each volume's own steps in order.
 */
async function build({ api, volumes, keys }: ProxyWorld, customer: Customer): Promise<void> {
  await Promise.all(['alice-lab', 'bob-lab'].map((bucket) => customer.makeBucket(bucket)));
  const placeholder = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
  });
  const register = async (owner: string, name: string, bucket: string, prefix: string) => {
    const roleArn = await customer.makeRole(`role-${name}`, placeholder);
    const created = await api(owner, 'POST', '/volumes', {
      name,
      bucket,
      prefix,
      region: 'us-east-1',
      accessMode: 'read-write',
      auth: { type: 'role', roleArn },
    });
    expect(created.status).toBe(201);
    await customer.applySetup(`role-${name}`, created.body.setup);
    expect((await api(owner, 'POST', `/volumes/${created.body.id}/verify`)).body.status).toBe('active');
    volumes[name] = { id: created.body.id };
  };
  await Promise.all([
    customer.put('alice-lab', 'project-x-evil/secret.txt', 'not for the volume\n'),
    customer.put('alice-lab', 'other/secret.txt', 'not for the volume\n'),
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
