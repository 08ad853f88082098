/**
 * The newest SDKs over https (issue 10): they send checksums by default, and over https as aws-chunked trailers
 * (`x-amz-trailer`, `x-amz-content-sha256: STREAMING-…-TRAILER`). A TLS terminator on loopback
 * (test/support/tls-terminator.ts) sits in front of the Node front, and a second one in front of the local AWS
 * endpoint for the credential_process profile, which talks to S3 itself. The clients:
 * - the newest boto3/botocore (/root/.pyenv/versions/3.11.7, proxy-clients/botocore-checksums.py): put_object and
 *   the transfer manager's multipart upload with each algorithm, then get_object/head_object with ChecksumMode;
 * - `@aws-sdk/client-s3` (the newest JS SDK): PutObject and UploadPart with streamed bodies, each algorithm; and
 *   PutObject through a terminator in front of the function URL (which Lambda serves over https only);
 * - the newest aws cli (1.45, same interpreter): `s3 cp` up and down with `--ca-bundle`, with a gateway key
 *   through the proxy and with a credential_process profile (our CLI) straight to S3.
 * Every upload is checked to have carried its checksum as a trailer (what the terminator saw), and the checksum
 * the client sent is what the proxy answers, what GetObject/HeadObject return with checksum mode, and what the
 * customer's S3 holds when asked directly.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  type ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeenRequest, startTlsTerminator, type TlsTerminator } from '../support/tls-terminator';
import { type ClientRun, type GatewayKey, ok, runClient, sha256 } from './proxy-clients/clients';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

const PYENV = '/root/.pyenv/versions/3.11.7/bin';
const PYTHON = `${PYENV}/python3`;
const AWS = `${PYENV}/aws`;
const ROOT = resolve(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'bin/volume-gateway.mjs');
const V = 'alice-genomes';
const BUCKET = 'alice-lab';
const PREFIX = 'project-x';
const MiB = 1024 * 1024;
const ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
type Algorithm = (typeof ALGORITHMS)[number];
const field = (alg: Algorithm) => `Checksum${alg}` as const;
const TRAILER_SHA = /^STREAMING-(UNSIGNED-PAYLOAD|AWS4-HMAC-SHA256-PAYLOAD)-TRAILER$/;

/** What the pyenv interpreter offers: botocore's version, and whether awscrt (CRC32C, CRC64NVME) imports. */
function newestBotocore(): { version?: string; crt: boolean; missing?: string } {
  if (!existsSync(PYTHON)) return { crt: false, missing: `${PYTHON} is not installed` };
  try {
    const [version, crt] = execFileSync(
      PYTHON,
      ['-c', 'import botocore, importlib.util as u; print(botocore.__version__, u.find_spec("awscrt") is not None)'],
      { encoding: 'utf8' },
    )
      .trim()
      .split(' ');
    const [major, minor] = version!.split('.').map(Number);
    if (major! < 1 || (major === 1 && minor! < 36))
      return { version, crt: false, missing: `botocore ${version} < 1.36 (no default checksums)` };
    return { version, crt: crt === 'True' };
  } catch {
    return { crt: false, missing: `botocore is not importable by ${PYTHON}` };
  }
}
const BOTOCORE = newestBotocore();
/** botocore computes CRC32C and CRC64NVME only with awscrt. */
const needsCrt = (alg: Algorithm) => alg === 'CRC32C' || alg === 'CRC64NVME';

let w: ProxyWorld;
let dir: string;
let tls: TlsTerminator;
let tlsS3: TlsTerminator;
let alice: GatewayKey;
let direct: S3Client;
/** The botocore script's answer by algorithm, started as soon as the world is up (Python starts slowly). */
let botocoreRun: Promise<Record<string, any>>;
let cliRuns: { gateway: Promise<ClientRun[]>; vended: Promise<ClientRun[]> };
const small = randomBytes(256 * 1024);
const big = randomBytes(6 * MiB + 4321);

beforeAll(async () => {
  w = await startProxyWorld();
  dir = mkdtempSync(join(tmpdir(), 'vg-https-'));
  mkdirSync(join(dir, 'tls-proxy'));
  mkdirSync(join(dir, 'tls-s3'));
  tls = await startTlsTerminator(w.stack.info.nodeProxyUrl, join(dir, 'tls-proxy'));
  tlsS3 = await startTlsTerminator(w.stack.info.awsEndpoint, join(dir, 'tls-s3'));
  alice = w.keys.alice!;
  writeFileSync(join(dir, 'small.bin'), small);
  writeFileSync(join(dir, 'big.bin'), big);
  const customer = w.stack.customerEnv(0);
  direct = new S3Client({
    endpoint: w.stack.info.awsEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: customer.AWS_ACCESS_KEY_ID!, secretAccessKey: customer.AWS_SECRET_ACCESS_KEY! },
  });
  const path = `s3 =\n  addressing_style = path\n`;
  writeFileSync(
    join(dir, 'aws-config'),
    `[default]\nregion = us-east-1\n${path}  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n\n[profile alice-vended]\nregion ` +
      `= us-east-1\ncredential_process = ${LAUNCHER} credentials --volume ${V} --api ${w.stack.info.apiUrl}\n${path}`,
  );
  // The Python clients start slowly: they run while the JS SDK's tests do, and the tests await their results.
  botocoreRun = runBotocore();
  botocoreRun.catch(() => undefined);
  cliRuns = { gateway: runCliWithGatewayKey(), vended: runCliWithCredentialProcess() };
  for (const run of Object.values(cliRuns)) run.catch(() => undefined);
}, 120_000);

/** The newest aws cli's environment: the config file written above, nothing of the developer's. */
function cliEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  };
}

/** `aws s3 cp` up and down through the proxy's TLS terminator, with alice's gateway key. */
async function runCliWithGatewayKey(): Promise<ClientRun[]> {
  if (!existsSync(AWS)) return [];
  const env = cliEnv({ AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey });
  const cli = (...args: string[]) => runClient(AWS, ['--endpoint-url', tls.url, '--ca-bundle', tls.caFile, ...args], env);
  const runs = [];
  for (const name of ['small.bin', 'big.bin']) {
    runs.push(await cli('s3', 'cp', join(dir, name), `s3://${V}/cli/${name}`));
    runs.push(await cli('s3', 'cp', `s3://${V}/cli/${name}`, join(dir, `cli-down-${name}`), '--checksum-mode', 'ENABLED'));
  }
  return runs;
}

/** `aws s3 cp` up and down straight to S3 (its TLS terminator), with the profile whose credential_process is our CLI. */
async function runCliWithCredentialProcess(): Promise<ClientRun[]> {
  if (!existsSync(AWS)) return [];
  const env = cliEnv({ VOLUME_GATEWAY_TOKEN: w.tokens.alice });
  const cli = (...args: string[]) =>
    runClient(AWS, ['--profile', 'alice-vended', '--endpoint-url', tlsS3.url, '--ca-bundle', tlsS3.caFile, ...args], env);
  const up = await cli('s3', 'cp', join(dir, 'big.bin'), `s3://${BUCKET}/${PREFIX}/vended/big.bin`);
  return [up, await cli('s3', 'cp', `s3://${BUCKET}/${PREFIX}/vended/big.bin`, join(dir, 'vended-down.bin'), '--checksum-mode', 'ENABLED')];
}

async function runBotocore(): Promise<Record<string, any>> {
  if (BOTOCORE.missing) return {};
  const algorithms = ALGORITHMS.filter((alg) => BOTOCORE.crt || !needsCrt(alg));
  const script = resolve(import.meta.dirname, 'proxy-clients/botocore-checksums.py');
  const input = {
    endpoint: tls.url,
    ...alice,
    ca: tls.caFile,
    bucket: V,
    prefix: 'boto/',
    algorithms,
    small: join(dir, 'small.bin'),
    big: join(dir, 'big.bin'),
  };
  return JSON.parse(
    ok(
      await runClient(PYTHON, [script, JSON.stringify(input)], {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_CONFIG_FILE: join(dir, 'no-config'),
      }),
    ),
  );
}
afterAll(async () => {
  await tls?.close();
  await tlsS3?.close();
  await w?.stack.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The uploads (PUT) the terminator saw for `key` of the volume, with the checksum each carried in its trailer. */
function uploadsOf(terminator: TlsTerminator, path: string): Array<SeenRequest & { trailer?: string }> {
  return terminator.seen
    .filter((r) => r.method === 'PUT' && r.url.split('?')[0] === path)
    .map((r) => {
      const name = r.headers['x-amz-trailer'];
      const value = typeof name === 'string' ? new RegExp(`${name}:([A-Za-z0-9+/=]+)`).exec(r.bodyTail)?.[1] : undefined;
      return { ...r, ...(value ? { trailer: value } : {}) };
    });
}

/** Every upload of `path` carried `alg`'s checksum as an aws-chunked trailer, not as a header. */
function expectTrailers(terminator: TlsTerminator, path: string, alg: Algorithm, count: number): string[] {
  const uploads = uploadsOf(terminator, path);
  expect(uploads.length).toBe(count);
  for (const upload of uploads) {
    expect({
      sha: upload.headers['x-amz-content-sha256'],
      trailer: upload.headers['x-amz-trailer'],
      header: upload.headers[`x-amz-checksum-${alg.toLowerCase()}`],
      value: typeof upload.trailer,
    }).toEqual({
      sha: expect.stringMatching(TRAILER_SHA),
      trailer: `x-amz-checksum-${alg.toLowerCase()}`,
      header: undefined,
      value: 'string',
    });
  }
  return uploads.map((u) => u.trailer!);
}

/**
 * A two-part upload's checksum as S3 keeps it: CRC64NVME only as a checksum of the whole object (FULL_OBJECT),
 * the others by default as a checksum of the parts' checksums with the part count (COMPOSITE, `<base64>-2`).
 */
function expectMultipartChecksum(alg: Algorithm, stored: Record<string, string>): void {
  const composite = alg !== 'CRC64NVME';
  expect({ value: stored[field(alg)], type: stored.ChecksumType }).toEqual({
    value: expect.stringMatching(composite ? /^[A-Za-z0-9+/]+=*-2$/ : /^[A-Za-z0-9+/]+=*$/),
    type: composite ? 'COMPOSITE' : 'FULL_OBJECT',
  });
}

/** The checksum fields the customer's S3 returns for the volume's `key`, asked directly with checksum mode. */
async function storedChecksums(key: string): Promise<Record<string, string>> {
  const head = await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}`, ChecksumMode: 'ENABLED' }));
  return Object.fromEntries(Object.entries(head).filter(([k]) => k.startsWith('Checksum'))) as Record<string, string>;
}

describe('the newest botocore over https (trailer checksums)', () => {
  it.for(ALGORITHMS)(
    '%s: put_object and the transfer manager send a trailer; the checksum is stored and returned with checksum mode',
    { timeout: 60_000 },
    async (alg, ctx) => {
      if (BOTOCORE.missing) return ctx.skip(BOTOCORE.missing);
      if (needsCrt(alg) && !BOTOCORE.crt)
        return ctx.skip(`botocore ${BOTOCORE.version} computes ${alg} only with awscrt, which ${PYTHON} cannot import`);
      const out = (await botocoreRun)[alg];
      expect(out.error).toBeUndefined();
      const f = field(alg);

      const [sent] = expectTrailers(tls, `/${V}/boto/put-${alg}.bin`, alg, 1);
      expect(out.put[f]).toBe(sent);
      expect(out.putKey).toMatchObject({ sha256: sha256(small), get: { [f]: sent }, head: { [f]: sent } });
      expect(await storedChecksums(`boto/put-${alg}.bin`)).toMatchObject({ [f]: sent });

      expectTrailers(tls, `/${V}/boto/mpu-${alg}.bin`, alg, 2);
      const stored = await storedChecksums(`boto/mpu-${alg}.bin`);
      expectMultipartChecksum(alg, stored);
      expect(out.mpuKey).toMatchObject({ sha256: sha256(big), get: { [f]: stored[f] }, head: { [f]: stored[f] } });
    },
  );
});

describe('the JS SDK v3 over https (trailer checksums)', () => {
  let s3: S3Client;
  const client = (terminator: TlsTerminator) =>
    new S3Client({
      endpoint: terminator.url,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: alice,
      requestHandler: { httpsAgent: new Agent({ ca: readFileSync(terminator.caFile) }) },
    });
  beforeAll(() => {
    s3 = client(tls);
  });
  const stream = (data: Buffer) => Readable.from([data.subarray(0, 1000), data.subarray(1000)]);

  it.each(ALGORITHMS)(
    '%s: PutObject and UploadPart send a trailer; the checksum is stored and returned with checksum mode',
    async (alg) => {
      const f = field(alg);
      const key = `js/put-${alg}.bin`;
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: V,
          Key: key,
          Body: stream(small),
          ContentLength: small.length,
          ChecksumAlgorithm: alg as ChecksumAlgorithm,
        }),
      );
      const [sent] = expectTrailers(tls, `/${V}/${key}`, alg, 1);
      expect(put[f]).toBe(sent);
      const got = await s3.send(new GetObjectCommand({ Bucket: V, Key: key, ChecksumMode: 'ENABLED' }));
      expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(small));
      expect(got[f]).toBe(sent);
      expect((await s3.send(new HeadObjectCommand({ Bucket: V, Key: key, ChecksumMode: 'ENABLED' })))[f]).toBe(sent);
      expect(await storedChecksums(key)).toMatchObject({ [f]: sent });

      const mpuKey = `js/mpu-${alg}.bin`;
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: V, Key: mpuKey, ChecksumAlgorithm: alg as ChecksumAlgorithm }),
      );
      const pieces = [big.subarray(0, 5 * MiB), big.subarray(5 * MiB)];
      const parts = [];
      for (const [i, piece] of pieces.entries()) {
        const part = await s3.send(
          new UploadPartCommand({
            Bucket: V,
            Key: mpuKey,
            UploadId,
            PartNumber: i + 1,
            Body: stream(piece),
            ContentLength: piece.length,
            ChecksumAlgorithm: alg as ChecksumAlgorithm,
          }),
        );
        parts.push({ PartNumber: i + 1, ETag: part.ETag, [f]: part[f] });
      }
      const partTrailers = expectTrailers(tls, `/${V}/${mpuKey}`, alg, 2);
      expect(parts.map((p) => p[f])).toEqual(partTrailers);
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: V, Key: mpuKey, UploadId, MultipartUpload: { Parts: parts } }));
      const stored = await storedChecksums(mpuKey);
      expectMultipartChecksum(alg, stored);
      const head = await s3.send(new HeadObjectCommand({ Bucket: V, Key: mpuKey, ChecksumMode: 'ENABLED' }));
      expect(head[f]).toBe(stored[f]);
    },
    20_000,
  );

  it('through the function URL (https, as Lambda serves it): PutObject with each algorithm’s trailer keeps the checksum', async () => {
    mkdirSync(join(dir, 'tls-fn'));
    const fnTls = await startTlsTerminator(w.stack.info.proxyUrl, join(dir, 'tls-fn'));
    try {
      const viaFn = client(fnTls);
      for (const alg of ALGORITHMS) {
        const key = `js-fn/put-${alg}.bin`;
        const put = await viaFn.send(
          new PutObjectCommand({
            Bucket: V,
            Key: key,
            Body: stream(small),
            ContentLength: small.length,
            ChecksumAlgorithm: alg as ChecksumAlgorithm,
          }),
        );
        const [sent] = expectTrailers(fnTls, `/${V}/${key}`, alg, 1);
        expect({ alg, put: put[field(alg)], stored: (await storedChecksums(key))[field(alg)] }).toEqual({ alg, put: sent, stored: sent });
        const got = await viaFn.send(new GetObjectCommand({ Bucket: V, Key: key, ChecksumMode: 'ENABLED' }));
        expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(small));
        expect(got[field(alg)]).toBe(sent);
      }
    } finally {
      await fnTls.close();
    }
  });
});

describe('the newest aws cli over https', () => {
  it.skipIf(!existsSync(AWS))(
    's3 cp up and down with a gateway key through the proxy: CRC32 trailers by default, on the PutObject and on each part of a ' +
      'multipart upload, kept by S3',
    async () => {
      for (const run of await cliRuns.gateway) ok(run);
      expect(sha256(readFileSync(join(dir, 'cli-down-small.bin')))).toBe(sha256(small));
      expect(sha256(readFileSync(join(dir, 'cli-down-big.bin')))).toBe(sha256(big));
      const [sent] = expectTrailers(tls, `/${V}/cli/small.bin`, 'CRC32', 1);
      expect(await storedChecksums('cli/small.bin')).toMatchObject({ ChecksumCRC32: sent });
      // Above the 5 MB threshold of this profile: two parts, each with its trailer; S3 keeps the composite.
      expectTrailers(tls, `/${V}/cli/big.bin`, 'CRC32', 2);
      expectMultipartChecksum('CRC32', await storedChecksums('cli/big.bin'));
    },
    60_000,
  );

  it.skipIf(!existsSync(AWS))(
    's3 cp up and down with a credential_process profile (our CLI) straight to S3 over https, CRC32 trailer kept',
    async () => {
      const [up, down] = await cliRuns.vended;
      ok(up!);
      ok(down!);
      expect(sha256(readFileSync(join(dir, 'vended-down.bin')))).toBe(sha256(big));
      // 6 MiB is below the cli's 8 MiB multipart threshold: one PutObject.
      const [sent] = expectTrailers(tlsS3, `/${BUCKET}/${PREFIX}/vended/big.bin`, 'CRC32', 1);
      expect(await storedChecksums('vended/big.bin')).toMatchObject({ ChecksumCRC32: sent });
    },
    60_000,
  );
});
