/**
 * Clients left at S3's virtual-hosted-style addressing (the default of GDAL, htslib and s3cmd) name the volume in
 * the Host: GDAL's /vsis3/ and curl reach `alice-genomes.localhost:PORT` (libcurl resolves `*.localhost` to
 * loopback). The proxy takes path-style requests only, so it refuses them, through both fronts, with the code
 * S3 clients expect and a message that says which setting makes the client path-style; a refusal of a path-style
 * request says nothing of the kind.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GatewayKey } from './proxy-clients/clients';
import { gdal } from './proxy-clients/htslib-gdal';
import { curlSigV4 } from './proxy-clients/s3cmd-curl';
import { startProxyWorld, type ProxyWorld } from './proxy-world';

let w: ProxyWorld;
let alice: GatewayKey;
let run: ReturnType<typeof gdal>;
let curl: ReturnType<typeof curlSigV4>;
const FRONTS = ['function URL', 'Node front'] as const;
/** The front's URL with `localhost` for 127.0.0.1, so a client can put a bucket label in front of it. */
const front = (name: (typeof FRONTS)[number]) => (name === 'function URL' ? w.stack.info.proxyUrl : w.stack.info.nodeProxyUrl).replace('127.0.0.1', 'localhost');
const SAYS_PATH_STYLE = /names volume (?:"|&quot;)alice-genomes(?:"|&quot;) in its Host \(virtual-hosted style\).*HTS_S3_ADDRESS_STYLE=path.*AWS_VIRTUAL_HOSTING=FALSE/s;

beforeAll(async () => {
  w = await startProxyWorld();
  alice = w.keys.alice as GatewayKey;
  const dir = mkdtempSync(join(tmpdir(), 'vg-path-style-'));
  run = gdal(dir);
  curl = curlSigV4(dir);
  await w.s3('alice', w.stack.info.nodeProxyUrl).send(new (await import('@aws-sdk/client-s3')).PutObjectCommand({ Bucket: 'alice-genomes', Key: 'vh/x.txt', Body: 'x\n' }));
});

describe.each(FRONTS)('a virtual-hosted-style request through the %s', (name) => {
  it("GDAL's /vsis3/ with AWS_VIRTUAL_HOSTING=TRUE is told to set AWS_VIRTUAL_HOSTING=FALSE (NoSuchBucket)", async () => {
    const result = await run(alice, front(name), 'gdalinfo', ['/vsis3/alice-genomes/vh/x.txt'], { AWS_VIRTUAL_HOSTING: 'TRUE' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/The specified bucket does not exist/);
    expect(result.stderr).toMatch(SAYS_PATH_STYLE);
  });

  it('a listing of the volume named in the Host is refused as NotImplemented that says to use path-style', async () => {
    const host = new URL(front(name));
    const answer = await curl(alice, `http://alice-genomes.localhost:${host.port}/?list-type=2&prefix=vh`, '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD');
    expect(answer.status).toBe(501);
    expect(answer.stdout).toMatch(/<Code>NotImplemented<\/Code>/);
    expect(answer.stdout).toMatch(SAYS_PATH_STYLE);
  });

  it('a path-style request for a volume that does not exist gets the plain NoSuchBucket', async () => {
    const answer = await curl(alice, `${front(name)}/no-such-volume/x.txt`, '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD');
    expect(answer.status).toBe(404);
    expect(answer.stdout).toMatch(/<Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message>/);
  });
});
