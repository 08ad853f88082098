/**
 * The guides in docs/, run as a reader runs them: each guide's `<!-- test: … -->` blocks in one bash against a
 * fresh local stack (the same code as `npm start`), with LOCAL_DATA_DIR pointing at it so `npm run local-env` and
 * `npm run token` find it, HOME a directory of its own, the repository as the working directory and Debian's
 * clients first on PATH. connecting-a-bucket.md runs first and leaves the volume using-volumes.md needs. Then the
 * outcomes are checked, in the guide's output and in the customer's account, not just the exit codes.
 * deploying.md needs no stack: it runs from the start, beside the other two (two bash sessions at most).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './../support/local-stack';
import { adoptGuidePackage } from '../support/packaged-service';
import { withPackagingLock } from '../support/packaging-lock';
import { type GuideBlock, ok, parseGuide, runGuide } from './guides/blocks';

let stack: TestStack;
let home: string;
let deploying: Promise<GuideOutcome>;
let deployHome: string;

type GuideOutcome = { blocks: GuideBlock[]; out: Record<string, string> };

beforeAll(async () => {
  // The guides use jq, which scripts/ensure-test-tools.sh does not install.
  if (!existsSync('/usr/bin/jq')) throw new Error('the guides use jq: apt-get install jq');
  // The guide runs `npm run package` in the project folders: not at the same time as the packaging test, which then
  // reads the package the guide made instead of packaging again.
  deployHome = mkdtempSync(join(tmpdir(), 'vg-guide-home-'));
  deploying = withPackagingLock(async () => {
    const started = Date.now();
    const outcome = await run('deploying.md', { HOME: deployHome });
    adoptGuidePackage(started);
    return outcome;
  });
  deploying.catch(() => undefined); // reported by its own test
  stack = await startTestStack();
  home = join(stack.dataDir, 'home');
  mkdirSync(home);
}, 60_000);
afterAll(async () => {
  stack?.close();
  await deploying?.catch(() => undefined); // its bash ends (or times out) before the file does
  if (deployHome) rmSync(deployHome, { recursive: true, force: true });
});

/** A reader's terminal: their own HOME and, for the guides that use it, the local stack's data directory. */
function guideEnv(place: { HOME: string; LOCAL_DATA_DIR?: string }): NodeJS.ProcessEnv {
  return {
    PATH: `/usr/bin:/bin:${process.env.PATH}`,
    ...place,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}

async function run(
  guide: string,
  place: { HOME: string; LOCAL_DATA_DIR?: string } = { HOME: home, LOCAL_DATA_DIR: stack.dataDir },
  timeoutMs = 120_000,
): Promise<GuideOutcome> {
  const blocks = parseGuide(join('docs', guide));
  return { blocks, out: ok(await runGuide(blocks, { cwd: process.cwd(), env: guideEnv(place), timeoutMs })) };
}

/** The customer's own view of their bucket (the JS SDK: these checks are not about the aws cli). */
function customerS3(): S3Client {
  const { accessKeyId, secretAccessKey } = stack.info.customers[0]!;
  return new S3Client({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

const lines = (text: string | undefined) => (text ?? '').trim().split('\n');

describe('docs/connecting-a-bucket.md', () => {
  it('creates the role, registers, applies the returned commands, and verifies to active; the web-identity variant too', async () => {
    const { out } = await run('connecting-a-bucket.md');
    const customer = stack.info.customers[0]!.accountId;

    expect(lines(out['create-role']).at(-1)).toBe(`arn:aws:iam::${customer}:role/VolumeGatewayLabGenomes`);
    const registered = JSON.parse(out.register!);
    expect(registered).toMatchObject({ name: 'lab-genomes', status: 'pending' });
    expect(registered.externalId).toMatch(/\S{16,}/);

    // What the guide printed as the trust policy is what now guards the role, with this volume's external id.
    const role = stack.iam.roles.get(customer, 'VolumeGatewayLabGenomes');
    expect(role?.assumeRolePolicyDocument).toContain(stack.info.gatewayPrincipalArn);
    expect(role?.assumeRolePolicyDocument).toContain(registered.externalId);
    expect(out.apply).toMatch(/^aws iam update-assume-role-policy --role-name VolumeGatewayLabGenomes/m);
    expect(out.apply).toMatch(/^aws iam put-role-policy --role-name VolumeGatewayLabGenomes --policy-name volume-gateway-lab-genomes/m);

    expect(lines(out.verify)).toEqual([
      expect.stringMatching(/^ok {3}assume-role: /),
      expect.stringMatching(/^ok {3}external-id-required: /),
      expect.stringMatching(/^ok {3}wrong-external-id-refused: /),
      expect.stringMatching(/^ok {3}list-prefix: Listed s3:\/\/lab-data\/genomes\/\./),
      expect.stringMatching(/^ok {3}write-and-delete: /),
      'active',
    ]);
    // The failed verify names the first check, and every later one as failed (not run).
    expect(lines(out['verify-fails-first'])).toEqual([
      'failed',
      'assume-role',
      'external-id-required',
      'wrong-external-id-refused',
      'list-prefix',
      'read-only-refuses-write',
    ]);
    expect(lines(out['cleanup-early'])).toEqual(['204']);
    expect(out.share).toContain('bob read');
    expect(out['bucket-cors']!.trim()).toBe('ETag');

    expect(out['web-identity']).toContain('sts:AssumeRoleWithWebIdentity');
    expect(out['web-identity']).toMatch(/^aws iam get-open-id-connect-provider .* \|\| aws iam create-open-id-connect-provider /m);
    expect(out['web-identity']).toMatch(/^aws iam add-client-id-to-open-id-connect-provider .* --client-id volume-gateway-console$/m);
    expect(lines(out['web-identity']).slice(-4)).toEqual([
      'ok   assume-role-with-web-identity',
      'ok   list-prefix',
      'ok   read-only-refuses-write',
      'active',
    ]);

    // The customer's own view: the data the guide put in is there, and no probe object was left behind.
    const listed = (await customerS3().send(new ListObjectsV2Command({ Bucket: 'lab-data' }))).Contents?.map((o) => o.Key) ?? [];
    expect(listed).toContain('genomes/sample.fa');
    expect(listed.filter((key) => key?.includes('.volume-gateway-probe'))).toEqual([]);
  }, 150_000);
});

describe('docs/using-volumes.md', () => {
  it('reaches the volume with a credential_process profile, a gateway key through both proxy fronts (aws cli, boto3, rclone), a ' +
    'Nextflow block and presigned URLs, byte for byte', async () => {
    const { out } = await run('using-volumes.md');
    expect(out['volume-id']!.trim()).toBe('lab-genomes active read-write');

    // credential_process: a session of the volume's role named for alice, held to the prefix.
    expect(lines(out['cli-profile'])[0]).toMatch(/:assumed-role\/VolumeGatewayLabGenomes\/alice$/);
    expect(out['cli-profile']).toMatch(/\ssample\.fa\n/);
    expect(out['cli-copy']).toContain('round trip: identical');
    expect(out['cli-copy']).toContain('outside the prefix: refused');
    expect(out['cli-json']!.trim()).toBe('AccessKeyId Expiration SecretAccessKey SessionToken Version');

    // The gateway key through the proxy: volumes as buckets, keys relative to the root, both fronts.
    expect(new Date(out['access-key']!.trim()).getTime()).toBeGreaterThan(Date.now());
    expect(out['proxy-cli']).toMatch(/ lab-genomes\n/);
    expect(out['proxy-cli']).not.toContain('lab-data');
    expect(out['proxy-cli']).toMatch(/\ssample\.fa\n/);
    expect(out['proxy-cli-large']).toContain('12 MiB round trip: identical');
    expect(out.boto3).toContain('boto3 round trip: identical');
    expect(out.boto3).toContain("['boto3/sample.bin']");
    expect(out.rclone).toContain('a.bin\nlog.txt');
    expect(out.rclone).toContain('rclone round trip: identical');

    // Nextflow: checked for shape (Nextflow itself is not installed here).
    const nextflow = readFileSync(join(home, 'use', 'nextflow.config'), 'utf8');
    const keyId = JSON.parse(readFileSync(join(home, 'use', 'key.json'), 'utf8')).accessKeyId as string;
    expect(nextflow).toContain(`endpoint = '${stack.info.nodeProxyUrl}'`);
    expect(nextflow).toContain('s3PathStyleAccess = true');
    expect(nextflow).toContain(`accessKey = '${keyId}'`);
    expect(nextflow).toMatch(/secretKey = '[^<']{20,}'/);
    expect(nextflow).not.toMatch(/<[A-Z_]+>/);

    // Presigned URLs, the download link and a two-part multipart upload.
    expect(out['presign-put']!.trim()).toBe('PUT 200');
    expect(out['presign-get']).toContain('presigned GET: identical');
    expect(out['presign-get']).toContain('download link: identical');
    expect(out['list-objects']!.trim()).toBe('browser/photo.bin 50000');
    expect(out.multipart).toContain('completed browser/scan.bin');
    expect(out.multipart).toContain('multipart: identical');

    // The customer's own view of the bucket: everything landed under the volume's prefix.
    const s3 = customerS3();
    const head = async (key: string) => (await s3.send(new HeadObjectCommand({ Bucket: 'lab-data', Key: key }))).ContentLength;
    expect(await head('genomes/proxy/big.bin')).toBe(12_582_912);
    expect(await head('genomes/browser/scan.bin')).toBe(11_534_336);
    expect(await head('genomes/rclone/results/a.bin')).toBe(200_000);
  }, 150_000);
});

describe('docs/deploying.md', () => {
  it('packages offline, with the role’s statements the guide explains, and the Node front names a missing variable', async () => {
    const { blocks, out } = await deploying;
    // serverless deploy (two ways), npm run deploy:console and docker are shown, not run, and say why.
    expect(blocks.filter((b) => !b.runnable).map((b) => b.reason)).toEqual([
      'needs an AWS account and network',
      'needs an AWS account and network',
      'needs an AWS account and network',
      'needs docker, an AWS account and network',
      "needs the deployed stack and a user's token",
    ]);
    expect(out.package).toContain('.serverless/health.zip');
    expect(lines(out.package).slice(-4).sort()).toEqual(['AccessKeysTable', 'AuditTable', 'LinksTable', 'VolumesTable']);

    const statements = lines(out.iam).map((line) => JSON.parse(line) as { Action: string[]; Resource: unknown });
    expect(statements).toHaveLength(2);
    expect(statements[0]!.Action.every((a) => a.startsWith('dynamodb:'))).toBe(true);
    expect(statements[0]!.Action).not.toContain('dynamodb:Scan');
    expect(JSON.stringify(statements[0]!.Resource)).toMatch(/VolumesTable[\s\S]*AuditTable[\s\S]*AccessKeysTable/);
    expect(statements[1]).toEqual({
      Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/*']] },
    });

    const kms = lines(out.kms).map((line) => JSON.parse(line) as { Action: string[]; Resource: unknown; Condition?: unknown });
    expect(kms.map((s) => [s.Action, s.Resource])).toEqual([
      [['kms:Sign', 'kms:GetPublicKey'], [{ 'Fn::GetAtt': ['GatewaySigningKey', 'Arn'] }]],
      [['kms:GenerateMac'], [{ 'Fn::GetAtt': ['AccessKeyMacKey', 'Arn'] }]],
      [['kms:GetPublicKey'], expect.objectContaining({ 'Fn::Join': expect.any(Array) })],
    ]);
    expect(kms[2]!.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/volume-gateway:signing-key': 'volume-gateway-dev' } });

    expect(out['proxy-config-check']).toContain('The S3 proxy could not start: Configuration error: AWS_REGION is not set');
    expect(out['proxy-config-check']).toContain('exit code 1');
  }, 120_000);
});
