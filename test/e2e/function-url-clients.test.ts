/**
 * The client matrix THROUGH THE FUNCTION URL as AWS runs it (issue 11, item 3): the local function URL models a real
 * RESPONSE_STREAM URL by default (local/function-url-model.ts, docs/function-url.md), so a HeadObject reaches the
 * client without Content-Length (renamed x-amzn-Remapped-Content-Length) and every body comes chunked, without one
 * either. Each test states what one client's operation really does there: works byte for byte, fails loudly (exit
 * code and the client's message), or is silently wrong. The README's table of which endpoint to give which client
 * comes from here; the Node front, the documented S3 endpoint, is green for all of them (proxy-clients.test.ts,
 * clients-htslib-gdal.test.ts, clients-s3cmd-curl.test.ts). A change of the proxy or of the model that alters one of
 * these outcomes fails this file.
 *
 * The clients are Debian's, run as clients.ts, htslib-gdal.ts and s3cmd-curl.ts run them, with alice's gateway key;
 * the objects they read are put through the Node front first, and what they write is read back through it. Client
 * runs start together in beforeAll, three at a time, and each test awaits its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { awsCli, boto3, type ClientRun, type GatewayKey, inLanes, rclone, runClient, scratchFiles, sha256 } from './proxy-clients/clients';
import { curlRequests, gdal, gdalPython, htsUrl, samtools } from './proxy-clients/htslib-gdal';
import { samText } from './proxy-clients/htslib-gdal-inputs';
import { curlSigV4, s3cmd } from './proxy-clients/s3cmd-curl';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

const V = 'alice-genomes';
const SMALL = randomBytes(1024);
/** A directory on the volume (m/dir/) and its local twin: a binary and a text file. */
const DIR: Record<string, Buffer> = { 'a.bin': randomBytes(1024), 'b.txt': Buffer.from('chr1\t100\t200\n'.repeat(25)) };
const CSV = 'id,name,WKT\n1,alpha,POINT (1 2)\n2,beta,POINT (3 4)\n';
const GZ = gzipSync('chr1\t100\t200\n'.repeat(500));
/** What rclone finds at its upload's key before it uploads (a version of another size), and what it uploads. */
const RCLONE_BEFORE = randomBytes(300);
const RCLONE_NEW = randomBytes(700);
const PLAIN_ENV = { PATH: process.env.PATH, LANG: 'C.UTF-8' };

let w: ProxyWorld;
let dir: string;
let url: string;
let alice: GatewayKey;
/** The JS SDK as alice through the function URL, and through the Node front (to put and read back). */
let viaUrl: S3Client;
let viaNode: S3Client;
// Every client run starts in beforeAll, three at a time; a test waits for its own run and so for those queued before it
// (on a loaded 2-core CI, the first test's curl waited over vitest's 30 s default). A deadline, not a timed assertion.
vi.setConfig({ testTimeout: 120_000 });
/** Each client run by name, started in beforeAll. */
let seen: Record<string, Promise<any>>;

const { path, write } = scratchFiles(() => dir);
const fileSha = (name: string) => (existsSync(join(dir, name)) ? sha256(readFileSync(join(dir, name))) : null);
/** The SHA-256 of the volume's object `key`, read through the Node front; null if there is none. */
const landed = async (key: string): Promise<string | null> => {
  try {
    return sha256(Buffer.from(await (await viaNode.send(new GetObjectCommand({ Bucket: V, Key: key }))).Body!.transformToByteArray()));
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return null;
    throw error;
  }
};
/** A client's exit code and the line of its output that says why it stopped. */
const failure = (run: ClientRun, pattern: RegExp) => ({ code: run.code, said: pattern.exec(`${run.stderr}\n${run.stdout}`)?.[0] });

/** Every client run of the file, by name; each resolves with what the test needs of it. */
function clientRuns(): Record<string, () => Promise<unknown>> {
  const aws = awsCli(dir);
  const py = boto3(dir);
  const rc = rclone(dir);
  const s3c = s3cmd(dir);
  const sam = samtools(dir);
  const geo = gdal(dir);
  const geoPy = gdalPython(dir);
  const curl = curlSigV4(dir);
  const s3 = (key: string) => `s3://${V}/${key}`;
  return {
    // Python clients first: they start slowest.
    boto3: () =>
      py(alice, url, V, '', [
        { name: 'head', do: 'head', key: 'm/small.bin' },
        { name: 'get', do: 'get', key: 'm/small.bin' },
        { name: 'range', do: 'get', key: 'm/small.bin', range: 'bytes=0-9' },
        { name: 'put', do: 'put', key: 'up/boto3.bin', file: join(dir, 'small.bin') },
        { name: 'download', do: 'download', key: 'm/small.bin', file: join(dir, 'out/boto3.bin') },
      ]),
    awsCpDown: () => aws(alice, url, 's3', 'cp', s3('m/small.bin'), path('out/aws-one.bin'), '--no-progress'),
    awsCpUp: () => aws(alice, url, 's3', 'cp', join(dir, 'small.bin'), s3('up/aws.bin'), '--no-progress'),
    awsCpRecursiveDown: () => aws(alice, url, 's3', 'cp', '--recursive', s3('m/dir/'), path('out/aws-dir/'), '--no-progress'),
    awsHead: () => aws(alice, url, 's3api', 'head-object', '--bucket', V, '--key', 'm/small.bin'),
    awsRange: () =>
      aws(alice, url, 's3api', 'get-object', '--bucket', V, '--key', 'm/small.bin', '--range', 'bytes=0-9', path('out/aws-range.bin')),
    awsMv: () => aws(alice, url, 's3', 'mv', s3('mv/src.bin'), s3('mv/dst.bin'), '--no-progress'),
    awsRm: () => aws(alice, url, 's3', 'rm', '--recursive', s3('rm/')),
    awsSyncDown: () => aws(alice, url, 's3', 'sync', s3('m/dir/'), path('out/aws-sync/'), '--no-progress'),
    awsLs: () => aws(alice, url, 's3', 'ls', s3('m/dir/')),
    s3cmdGet: () => s3c(alice, url, 'get', s3('m/small.bin'), path('out/s3cmd.bin')),
    s3cmdPut: () => s3c(alice, url, 'put', join(dir, 'small.bin'), s3('up/s3cmd.bin')),
    s3cmdLs: () => s3c(alice, url, 'ls', s3('m/dir/')),
    s3cmdInfo: () => s3c(alice, url, 'info', s3('m/small.bin')),
    s3cmdSyncDown: () => s3c(alice, url, 'sync', s3('m/dir/'), `${dirname(path('out/s3cmd-sync/x'))}/`),
    gdalStat: () => geoPy(alice, url, [{ name: 'size', do: 'stat', path: `${V}/m/small.tif` }]),
    gdalinfo: () => geo(alice, url, 'gdalinfo', ['-json', `/vsis3/${V}/m/small.tif`], { CPL_CURL_VERBOSE: 'YES' }),
    ogrinfo: () => geo(alice, url, 'ogrinfo', ['-ro', '-al', '-so', `/vsis3/${V}/m/pts.csv`]),
    samtoolsView: () => sam(alice, url, 'view', htsUrl(url, V, 'm/x.bam')),
    samtoolsRegion: () => sam(alice, url, 'view', htsUrl(url, V, 'm/x.bam'), 'chr1:1000-3000'),
    rcloneCopyUp: () => rc(alice, url, 'copy', join(dir, 'rclone-up'), `vg:${V}/up/rclone`),
    rcloneCopyUpNoHead: () => rc(alice, url, 'copy', '--s3-no-head', join(dir, 'rclone-up'), `vg:${V}/up/rclone-no-head`),
    rcloneCopyDown: () => rc(alice, url, 'copy', `vg:${V}/m/dir`, path('out/rclone-dir')),
    rcloneCopytoDown: () => rc(alice, url, 'copyto', `vg:${V}/m/small.bin`, path('out/rclone-one.bin')),
    rcloneLs: () => rc(alice, url, 'ls', `vg:${V}/m/dir`),
    rcloneLsf: () => rc(alice, url, 'lsf', `vg:${V}/m/dir`),
    rcloneCheck: () => rc(alice, url, 'check', join(dir, 'dir'), `vg:${V}/m/dir`),
    curlHead: () => curl(alice, `${url}/${V}/m/small.bin`, '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD', '-I'),
  };
}

/** Starts every task, `lanes` at a time; each name's promise settles when its task has run. */
function startInLanes(tasks: Record<string, () => Promise<unknown>>, lanes: number): Record<string, Promise<any>> {
  const settle: Record<string, { resolve: (value: unknown) => void; reject: (error: unknown) => void }> = {};
  const promises = Object.fromEntries(
    Object.keys(tasks).map((name) => {
      const promise = new Promise((resolve, reject) => (settle[name] = { resolve, reject }));
      promise.catch(() => undefined); // awaited by its test, which reports the failure
      return [name, promise];
    }),
  );
  void inLanes(Object.entries(tasks), lanes, ([name, task]) => task().then(settle[name]!.resolve, settle[name]!.reject));
  return promises;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vg-fu-clients-'));
  const world = startProxyWorld();
  // The fixtures are made by the tools themselves, locally, while the stack starts.
  write('small.bin', SMALL);
  for (const [name, data] of Object.entries(DIR)) write(`dir/${name}`, data);
  write('rclone-up/a.bin', RCLONE_NEW);
  write('pts.csv', CSV);
  write('x.sam', samText(300, 50));
  write('r.raw', randomBytes(64 * 64));
  write(
    'r.hdr',
    'ENVI\nsamples = 64\nlines = 64\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 1\ninterleave = bsq\nbyte ' +
      'order = 0\n',
  );
  const tool = async (file: string, ...args: string[]) => {
    const run = await runClient(file, args, PLAIN_ENV);
    if (run.code !== 0) throw new Error(`${file} ${args.join(' ')}: ${run.stderr}`);
  };
  const fixtures = Promise.all([
    tool('/usr/bin/samtools', 'sort', '--no-PG', '-o', path('x.bam'), path('x.sam')).then(() =>
      tool('/usr/bin/samtools', 'index', path('x.bam')),
    ),
    tool(
      '/usr/bin/gdal_translate',
      '-q',
      '-of',
      'COG',
      '-a_srs',
      'EPSG:4326',
      '-a_ullr',
      '0',
      '40',
      '60',
      '0',
      path('r.raw'),
      path('small.tif'),
    ),
  ]);
  const [started, made] = await Promise.allSettled([world, fixtures]);
  if (started.status === 'fulfilled') w = started.value; // closed by afterAll even when the fixtures failed
  for (const step of [started, made]) if (step.status === 'rejected') throw step.reason;
  url = w.stack.info.proxyUrl;
  alice = w.keys.alice as GatewayKey;
  viaUrl = w.s3('alice', url);
  viaNode = w.s3('alice', w.stack.info.nodeProxyUrl);
  const objects: Array<[string, Buffer, Partial<{ ContentEncoding: string; ContentType: string }>?]> = [
    ['m/small.bin', SMALL],
    ...Object.entries(DIR).map(([name, data]): [string, Buffer] => [`m/dir/${name}`, data]),
    ['m/pts.csv', Buffer.from(CSV)],
    ['m/x.bam', readFileSync(path('x.bam'))],
    ['m/x.bam.bai', readFileSync(path('x.bam.bai'))],
    ['m/small.tif', readFileSync(path('small.tif'))],
    ['m/calls.bed.gz', GZ, { ContentEncoding: 'gzip', ContentType: 'text/plain' }],
    ['up/rclone/a.bin', RCLONE_BEFORE],
    ['mv/src.bin', SMALL],
    ['rm/1.bin', SMALL],
    ['rm/deep/2.bin', SMALL],
  ];
  await Promise.all(objects.map(([Key, Body, extra]) => viaNode.send(new PutObjectCommand({ Bucket: V, Key, Body, ...extra }))));
  seen = startInLanes(clientRuns(), 3);
}, 120_000);
afterAll(async () => {
  await w?.stack.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('what the function URL gives (curl -I)', () => {
  it('a HEAD answer has no Content-Length: the size is in x-amzn-Remapped-Content-Length, which none of these clients reads', async () => {
    const head = await seen.curlHead;
    expect(head.status).toBe(200);
    expect(head.stdout).toMatch(/^x-amzn-Remapped-Content-Length: 1024\r$/im);
    expect(head.stdout).not.toMatch(/^content-length:/im);
  });
});

describe('aws cli 2.9', () => {
  it(
    's3 cp of one object down fails loudly: it sizes the download from HeadObject ("fatal error: \'ContentLength\'", exit 1) and ' +
      'writes no file',
    async () => {
      expect(failure(await seen.awsCpDown, /fatal error: .*/)).toEqual({ code: 1, said: "fatal error: 'ContentLength'" });
      expect(fileSha('out/aws-one.bin')).toBeNull();
    },
  );

  it(
    's3 mv of one object fails loudly the same way (HeadObject first: "fatal error: \'ContentLength\'", exit 1); the source stays, ' +
      'nothing is written',
    async () => {
      expect(failure(await seen.awsMv, /fatal error: .*/)).toEqual({ code: 1, said: "fatal error: 'ContentLength'" });
      expect({ source: await landed('mv/src.bin'), target: await landed('mv/dst.bin') }).toEqual({ source: sha256(SMALL), target: null });
    },
  );

  it('s3 cp --recursive down works byte for byte: it sizes each object from the listing, not from HeadObject', async () => {
    expect((await seen.awsCpRecursiveDown).code).toBe(0);
    for (const [name, data] of Object.entries(DIR))
      expect({ name, sha: fileSha(`out/aws-dir/${name}`) }).toEqual({ name, sha: sha256(data) });
  });

  it(
    's3 sync down works byte for byte, and s3 rm --recursive deletes each object (a listing, then DeleteObjects), one delete: line ' +
      'each',
    async () => {
      expect((await seen.awsSyncDown).code).toBe(0);
      for (const [name, data] of Object.entries(DIR))
        expect({ name, sha: fileSha(`out/aws-sync/${name}`) }).toEqual({ name, sha: sha256(data) });
      const rm = await seen.awsRm;
      expect({ code: rm.code, deleted: (rm.stdout.match(/^delete: .*$/gm) ?? []).sort() }).toEqual({
        code: 0,
        deleted: [`delete: s3://${V}/rm/1.bin`, `delete: s3://${V}/rm/deep/2.bin`],
      });
      expect((await viaNode.send(new ListObjectsV2Command({ Bucket: V, Prefix: 'rm/' }))).KeyCount).toBe(0);
    },
  );

  it('s3 cp up works byte for byte', async () => {
    expect((await seen.awsCpUp).code).toBe(0);
    expect(await landed('up/aws.bin')).toBe(sha256(SMALL));
  });

  it('s3api head-object is silently without a size: exit 0 and the ETag, but no ContentLength', async () => {
    const run = await seen.awsHead;
    expect(run.code).toBe(0);
    const head = JSON.parse(run.stdout);
    expect({ etag: head.ETag, length: head.ContentLength }).toEqual({ etag: expect.stringMatching(/^"[0-9a-f]{32}"$/), length: undefined });
  });

  it('s3api get-object --range writes the right 10 bytes and says ContentRange, but has no ContentLength', async () => {
    const run = await seen.awsRange;
    expect(run.code).toBe(0);
    const got = JSON.parse(run.stdout);
    expect({ range: got.ContentRange, length: got.ContentLength }).toEqual({ range: 'bytes 0-9/1024', length: undefined });
    expect(fileSha('out/aws-range.bin')).toBe(sha256(SMALL.subarray(0, 10)));
  });

  it('s3 ls lists each object with its size (from the listing)', async () => {
    const run = await seen.awsLs;
    expect(run.code).toBe(0);
    const sizes = Object.fromEntries(
      run.stdout
        .trim()
        .split('\n')
        .map((line: string) => line.trim().split(/\s+/).slice(2).reverse()),
    );
    expect(sizes).toEqual(Object.fromEntries(Object.entries(DIR).map(([name, data]) => [name, String(data.length)])));
  });
});

describe('boto3 1.26', () => {
  it('head_object is silently without a size: no ContentLength key, the ETag there', async () => {
    expect((await seen.boto3).head).toEqual({ value: { contentLength: null, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) } });
  });

  it('get_object, whole and ranged, reads the right bytes but has no ContentLength; the range says its ContentRange', async () => {
    const { get, range } = await seen.boto3;
    expect(get).toEqual({ value: { status: 200, sha256: sha256(SMALL), bytes: 1024, contentLength: null, contentRange: null } });
    expect(range).toEqual({
      value: { status: 206, sha256: sha256(SMALL.subarray(0, 10)), bytes: 10, contentLength: null, contentRange: 'bytes 0-9/1024' },
    });
  });

  it('put_object works byte for byte', async () => {
    expect((await seen.boto3).put).toEqual({ value: { etag: `"${createHash('md5').update(SMALL).digest('hex')}"` } });
    expect(await landed('up/boto3.bin')).toBe(sha256(SMALL));
  });

  it("download_file fails loudly: the transfer manager sizes it by head_object (KeyError: 'ContentLength'), writes no file", async () => {
    expect((await seen.boto3).download).toEqual({ error: "KeyError: 'ContentLength'" });
    expect(fileSha('out/boto3.bin')).toBeNull();
  });
});

describe('rclone 1.60', () => {
  it(
    'an upload fails loudly (its check HEAD has no size: "sizes differ 700 vs 0", exit 1), and rclone then deletes the object: the ' +
      'version that was there is lost',
    async () => {
      const run = await seen.rcloneCopyUp;
      expect(failure(run, /Failed to copy: .*/)).toEqual({ code: 1, said: 'Failed to copy: corrupted on transfer: sizes differ 700 vs 0' });
      expect(await landed('up/rclone/a.bin')).toBeNull();
    },
  );

  it('with --s3-no-head (no HEAD after the upload) an upload works byte for byte', async () => {
    expect((await seen.rcloneCopyUpNoHead).code).toBe(0);
    expect(await landed('up/rclone-no-head/a.bin')).toBe(sha256(RCLONE_NEW));
  });

  it(
    'copy of a directory down works byte for byte (sizes from the listing); copyto of one object fails loudly ("sizes differ 0 vs ' +
      '1024") and writes no file',
    async () => {
      expect((await seen.rcloneCopyDown).code).toBe(0);
      for (const [name, data] of Object.entries(DIR))
        expect({ name, sha: fileSha(`out/rclone-dir/${name}`) }).toEqual({ name, sha: sha256(data) });
      expect(failure(await seen.rcloneCopytoDown, /Failed to copyto: .*/)).toEqual({
        code: 1,
        said: 'Failed to copyto: corrupted on transfer: sizes differ 0 vs 1024',
      });
      expect(fileSha('out/rclone-one.bin')).toBeNull();
    },
  );

  it('ls and lsf list the right names and sizes, and check finds the local twin identical', async () => {
    const [ls, lsf, check] = [await seen.rcloneLs, await seen.rcloneLsf, await seen.rcloneCheck];
    const sizes = Object.fromEntries(
      ls.stdout
        .trim()
        .split('\n')
        .map((line: string) => line.trim().split(/\s+/).reverse()),
    );
    expect(sizes).toEqual(Object.fromEntries(Object.entries(DIR).map(([name, data]) => [name, String(data.length)])));
    expect(lsf.stdout.trim().split('\n').sort()).toEqual(Object.keys(DIR).sort());
    expect({ code: check.code, stderr: check.stderr }).toEqual({
      code: 0,
      stderr: expect.stringMatching(new RegExp(`0 differences found[\\s\\S]*${Object.keys(DIR).length} matching files`)),
    });
  });
});

describe('s3cmd 2.3', () => {
  it('put works byte for byte, and ls lists the right sizes', async () => {
    expect((await seen.s3cmdPut).code).toBe(0);
    expect(await landed('up/s3cmd.bin')).toBe(sha256(SMALL));
    const ls = await seen.s3cmdLs;
    expect(ls.code).toBe(0);
    for (const [name, data] of Object.entries(DIR))
      expect(ls.stdout).toMatch(new RegExp(`\\s${data.length}\\s+s3://${V}/m/dir/${name.replace('.', '\\.')}$`, 'm'));
  });

  it(
    "get and info fail loudly: both read the size from the HEAD answer (a KeyError: 'content-length' traceback, exit 1), and get " +
      'writes no file',
    async () => {
      for (const run of [await seen.s3cmdGet, await seen.s3cmdInfo])
        expect(failure(run, /KeyError: 'content-length'/)).toEqual({ code: 1, said: "KeyError: 'content-length'" });
      expect(fileSha('out/s3cmd.bin')).toBeNull();
    },
  );

  it(
    'sync down fails loudly on the GetObject answer itself, which has no content-length (KeyError in recv_file, exit 1), leaving ' +
      'only an empty temporary file',
    async () => {
      const run = await seen.s3cmdSyncDown;
      expect({ ...failure(run, /KeyError: 'content-length'/), where: /in recv_file/.test(run.stderr) }).toEqual({
        code: 1,
        said: "KeyError: 'content-length'",
        where: true,
      });
      const left = readdirSync(join(dir, 'out/s3cmd-sync'));
      expect(left).toEqual([expect.stringMatching(/^\.s3cmd\.\w+\.tmp$/)]);
      expect(readFileSync(join(dir, 'out/s3cmd-sync', left[0]!)).length).toBe(0);
    },
  );
});

describe('GDAL 3.6 /vsis3/', () => {
  it(
    'gdalinfo of a COG, ogrinfo of a CSV and VSIStatL work: GDAL takes sizes from the directory listing and reads with ranged GETs, ' +
      'no HEAD',
    async () => {
      const info = await seen.gdalinfo;
      expect(info.code).toBe(0);
      expect(JSON.parse(info.stdout).size).toEqual([64, 64]);
      const sent = curlRequests(info.stderr).map((r) => `${r.method} ${r.path.split('?')[0]}${r.headers.range ? ' (ranged)' : ''}`);
      expect(sent).toEqual([`GET /${V}/`, `GET /${V}/m/small.tif (ranged)`]);
      const ogr = await seen.ogrinfo;
      expect(ogr.code).toBe(0);
      expect(ogr.stdout).toMatch(/Feature Count: 2\n/);
      expect(await seen.gdalStat).toEqual({ size: { value: readFileSync(path('small.tif')).length } });
    },
  );
});

describe('htslib 1.16 (samtools)', () => {
  it('samtools view of a BAM, whole and a region through its index, gives what it gives from the local file', async () => {
    const local = async (...args: string[]) => (await runClient('/usr/bin/samtools', ['view', path('x.bam'), ...args], PLAIN_ENV)).stdout;
    const [whole, region] = [await seen.samtoolsView, await seen.samtoolsRegion];
    expect({ code: whole.code, same: whole.stdout === (await local()) }).toEqual({ code: 0, same: true });
    expect({ code: region.code, same: region.stdout === (await local('chr1:1000-3000')) }).toEqual({ code: 0, same: true });
    expect(region.stdout.length).toBeGreaterThan(0);
  });
});

describe('the JS SDK v3', () => {
  it(
    'HeadObject is silently without a size (ContentLength undefined); GetObject, whole and ranged, reads the right bytes with ' +
      'ContentLength undefined',
    async () => {
      const head = await viaUrl.send(new HeadObjectCommand({ Bucket: V, Key: 'm/small.bin' }));
      expect({ length: head.ContentLength, etag: head.ETag }).toEqual({
        length: undefined,
        etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      });
      const whole = await viaUrl.send(new GetObjectCommand({ Bucket: V, Key: 'm/small.bin' }));
      expect({ length: whole.ContentLength, sha: sha256(Buffer.from(await whole.Body!.transformToByteArray())) }).toEqual({
        length: undefined,
        sha: sha256(SMALL),
      });
      const ranged = await viaUrl.send(new GetObjectCommand({ Bucket: V, Key: 'm/small.bin', Range: 'bytes=0-9' }));
      expect({
        status: ranged.$metadata.httpStatusCode,
        range: ranged.ContentRange,
        length: ranged.ContentLength,
        bytes: Buffer.from(await ranged.Body!.transformToByteArray()),
      }).toEqual({
        status: 206,
        range: 'bytes 0-9/1024',
        length: undefined,
        bytes: SMALL.subarray(0, 10),
      });
    },
  );

  it('PutObject works byte for byte, and ListObjectsV2 lists the right sizes', async () => {
    await viaUrl.send(new PutObjectCommand({ Bucket: V, Key: 'up/js.bin', Body: SMALL }));
    expect(await landed('up/js.bin')).toBe(sha256(SMALL));
    const listed = await viaUrl.send(new ListObjectsV2Command({ Bucket: V, Prefix: 'm/dir/' }));
    expect(listed.Contents!.map((c) => [c.Key, c.Size])).toEqual(Object.entries(DIR).map(([name, data]) => [`m/dir/${name}`, data.length]));
  });

  it(
    'an object stored with Content-Encoding: gzip comes back byte for byte as stored, without the header (which would have the URL ' +
      'decompress it)',
    async () => {
      const got = await viaUrl.send(new GetObjectCommand({ Bucket: V, Key: 'm/calls.bed.gz' }));
      expect({ encoding: got.ContentEncoding, sha: sha256(Buffer.from(await got.Body!.transformToByteArray())) }).toEqual({
        encoding: undefined,
        sha: sha256(GZ),
      });
    },
  );
});
