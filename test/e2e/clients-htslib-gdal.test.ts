/**
 * The genomics and geospatial clients of issue 10, from Debian's packages, against the real local stack:
 * samtools 1.16 (htslib's s3 plugin, `s3+http://`) and GDAL 3.6 (`/vsis3/`: gdalinfo, gdal_translate, ogr2ogr,
 * python3-gdal), each with a gateway key and one of the proxy's fronts as its S3 host, path-style
 * (proxy-clients/htslib-gdal.ts says how each is pointed there). alice owns the read-write volume alice-genomes
 * (bucket alice-lab, prefix project-x); carol is a read member.
 *
 * The function URL carries at most a 6 MB request (Lambda's limit counts the base64 of a binary body, so a 5 MiB
 * part does not fit): multipart uploads (5 MiB parts: htslib's, and GDAL's smallest VSIS3_CHUNK_SIZE) go through
 * the Node front (through the function URL samtools fails loudly, with Lambda's JSON 413); everything else
 * through both. The function URL is the one AWS runs (modelled locally by default): its answers carry no
 * Content-Length, which neither htslib nor GDAL needs (they size from the listing and Content-Range; the other
 * clients' outcomes there are function-url-clients.test.ts's). Every transfer is compared byte for byte with what the
 * same tool produces from the local file; what landed is read as the customer, straight from the bucket.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayKey, inLanes, ok, runClient, scratchFiles, sha256 } from './proxy-clients/clients';
import { curlRequests, gdal, gdalPython, htsUrl, samtools } from './proxy-clients/htslib-gdal';
import { envi, fasta, samText } from './proxy-clients/htslib-gdal-inputs';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

const V = 'alice-genomes';
const PREFIX = 'project-x';
const MiB = 1024 * 1024;
const FRONTS = ['function URL', 'Node front'] as const;
type Front = (typeof FRONTS)[number];
/** The window every windowed read asks for: x, y, width, height in pixels of the 2048 x 2048 COG. */
const WINDOW = ['700', '900', '300', '200'];
/** The customer's files under the volume's fixtures/, put in the bucket by the customer. */
const FIXTURES = ['x.bam', 'x.bam.bai', 'ref.fa', 'ref.fa.fai', 'img.tif', 'deep/note.txt'];
/** The local tree gdal.Sync uploads. */
const SYNCED = ['a.txt', 'b.fa', 'deep/c.txt', 'deep/deeper/d.txt'];
const CSV_OPEN = ['-oo', 'GEOM_POSSIBLE_NAMES=WKT', '-oo', 'KEEP_GEOM_COLUMNS=NO'];

let w: ProxyWorld;
let dir: string;
let endpoints: Record<Front, string>;
let alice: GatewayKey;
let carol: GatewayKey;
let bucket: S3Client;
let sam: ReturnType<typeof samtools>;
let geo: ReturnType<typeof gdal>;
let geoPy: ReturnType<typeof gdalPython>;

const { path } = scratchFiles(() => dir);
const run = async (file: string, ...args: string[]) =>
  ok(await runClient(file, args, { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' }));
/** The SHA-256 of what the bucket holds at `key` under the volume's prefix, read as the customer; null if nothing. */
const landed = async (key: string): Promise<string | null> => {
  try {
    const got = await bucket.send(new GetObjectCommand({ Bucket: 'alice-lab', Key: `${PREFIX}/${key}` }));
    return sha256(Buffer.from(await got.Body!.transformToByteArray()));
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return null;
    throw error;
  }
};
const keysUnder = async (key: string) =>
  ((await bucket.send(new ListObjectsV2Command({ Bucket: 'alice-lab', Prefix: `${PREFIX}/${key}` }))).Contents ?? []).map((o) => o.Key);

const COG = ['-q', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-a_srs', 'EPSG:4326', '-a_ullr', '0', '40', '60', '0'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vg-htslib-gdal-'));
  const world = startProxyWorld();
  // The fixtures are made by the same tools, locally, while the stack starts.
  const fixtures = (async () => {
    writeFileSync(path('x.sam'), samText(3000, 50));
    writeFileSync(path('big.sam'), samText(30_000, 150));
    writeFileSync(path('fixtures/ref.fa'), fasta());
    writeFileSync(path('big.bin'), randomBytes(12 * MiB + 12345));
    writeFileSync(path('small.bin'), 'a small file\n');
    writeFileSync(path('pts.csv'), 'id,name,WKT\n1,alpha,POINT (1 2)\n2,bêta,POINT (3 4)\n3,gamma,"LINESTRING (0 0,1 1,2 0)"\n');
    writeFileSync(path('fixtures/deep/note.txt'), 'below the fixtures\n');
    for (const name of SYNCED) writeFileSync(path(`tree/${name}`), `${name}\n`.repeat(100));
    envi(path('big-raster'), 2048, 2048, 1);
    envi(path('small-raster'), 512, 384, 3);
    await Promise.all([
      run('/usr/bin/samtools', 'sort', '--no-PG', '-o', path('fixtures/x.bam'), path('x.sam')).then(() =>
        run('/usr/bin/samtools', 'index', path('fixtures/x.bam')),
      ),
      run('/usr/bin/samtools', 'faidx', path('fixtures/ref.fa')),
      run(
        '/usr/bin/gdal_translate',
        ...COG,
        '-co',
        'BLOCKSIZE=256',
        '-co',
        'COMPRESS=NONE',
        path('big-raster.raw'),
        path('fixtures/img.tif'),
      ),
      run('/usr/bin/gdal_translate', ...COG, path('small-raster.raw'), path('small.tif')),
      run('/usr/bin/ogr2ogr', '-f', 'GeoJSON', path('pts.geojson'), path('pts.csv'), ...CSV_OPEN),
      run('/usr/bin/ogr2ogr', '-f', 'GPKG', path('pts.gpkg'), path('pts.csv'), ...CSV_OPEN).then(() =>
        run('/usr/bin/ogr2ogr', '-f', 'GeoJSON', path('pts-of-gpkg.geojson'), path('pts.gpkg')),
      ),
      run('/usr/bin/samtools', 'view', '-b', '--no-PG', '-o', path('small.bam'), path('x.sam')),
      run('/usr/bin/samtools', 'view', '-u', '--no-PG', '-o', path('big.bam'), path('big.sam')),
    ]);
  })();
  const [started, made] = await Promise.allSettled([world, fixtures]);
  if (started.status === 'fulfilled') w = started.value; // closed by afterAll even when the fixtures failed
  for (const step of [started, made]) if (step.status === 'rejected') throw step.reason;
  endpoints = { 'function URL': w.stack.info.proxyUrl, 'Node front': w.stack.info.nodeProxyUrl };
  ({ alice, carol } = w.keys as { alice: GatewayKey; carol: GatewayKey });
  const customer = w.stack.info.customers[0]!;
  bucket = new S3Client({ endpoint: w.stack.info.awsEndpoint, region: 'us-east-1', forcePathStyle: true, credentials: customer });
  sam = samtools(dir);
  geo = gdal(dir);
  geoPy = gdalPython(dir);
  // The customer's data, put in the bucket under the volume's prefix as the customer (not through the proxy).
  for (const name of FIXTURES) {
    await bucket.send(
      new PutObjectCommand({ Bucket: 'alice-lab', Key: `${PREFIX}/fixtures/${name}`, Body: readFileSync(path(`fixtures/${name}`)) }),
    );
  }
}, 120_000);
afterAll(async () => {
  bucket?.destroy();
  await w?.stack.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `task` once per front, both at a time. */
const eachFront = <R>(task: (front: Front, endpoint: string) => Promise<R>) => inLanes(FRONTS, 2, (front) => task(front, endpoints[front]));

describe('samtools (htslib s3+http://)', () => {
  it('reads a region of a BAM through its .bai index, counts it, and slices an indexed FASTA, as from the local files', async () => {
    const bam = path('fixtures/x.bam');
    const fa = path('fixtures/ref.fa');
    const [region, count, slice] = await Promise.all([
      run('/usr/bin/samtools', 'view', bam, 'chr1:1000-3000'),
      run('/usr/bin/samtools', 'view', '-c', bam, 'chr2:500-900'),
      run('/usr/bin/samtools', 'faidx', fa, 'chr1:100-200', 'chr2:19950-20000'),
    ]);
    expect(region.split('\n').length).toBeGreaterThan(5);
    await eachFront(async (_front, endpoint) => {
      const remoteBam = htsUrl(endpoint, V, 'fixtures/x.bam');
      expect(ok(await sam(alice, endpoint, 'view', remoteBam, 'chr1:1000-3000'))).toBe(region);
      expect(ok(await sam(alice, endpoint, 'view', '-c', remoteBam, 'chr2:500-900'))).toBe(count);
      expect(ok(await sam(alice, endpoint, 'faidx', htsUrl(endpoint, V, 'fixtures/ref.fa'), 'chr1:100-200', 'chr2:19950-20000'))).toBe(
        slice,
      );
    });
  });

  it('writes a BAM smaller than a part (a one-part multipart upload) through both fronts, byte for byte', async () => {
    await eachFront(async (front, endpoint) => {
      const key = `written/small-${front.replace(' ', '-')}.bam`;
      ok(await sam(alice, endpoint, 'view', '-b', '--no-PG', '-o', htsUrl(endpoint, V, key), path('x.sam')));
      expect(await landed(key), `${front}: the BAM must land`).toBe(sha256(readFileSync(path('small.bam'))));
    });
  });

  it('writes a BAM of several 5 MiB parts (a multipart upload) through the Node front, byte for byte', async () => {
    const endpoint = endpoints['Node front'];
    ok(await sam(alice, endpoint, 'view', '-u', '--no-PG', '-o', htsUrl(endpoint, V, 'written/big.bam'), path('big.sam')));
    const local = readFileSync(path('big.bam'));
    expect(local.length).toBeGreaterThan(5 * MiB);
    expect(await landed('written/big.bam')).toBe(sha256(local));
    const head = await bucket.send(new HeadObjectCommand({ Bucket: 'alice-lab', Key: `${PREFIX}/written/big.bam` }));
    expect(head.ETag).toMatch(/-2"$/);
  });

  it('samtools index writes the index of a BAM on the volume to the volume through both fronts, byte for byte', async () => {
    await eachFront(async (front, endpoint) => {
      const key = `written/x-${front.replace(' ', '-')}.bam.bai`;
      ok(await sam(alice, endpoint, 'index', '-o', htsUrl(endpoint, V, key), htsUrl(endpoint, V, 'fixtures/x.bam')));
      expect(await landed(key), front).toBe(sha256(readFileSync(path('fixtures/x.bam.bai'))));
    });
  });

  it('fails loudly writing a BAM of several parts through the function URL (Lambda refuses a 5 MiB part), and nothing lands', async () => {
    const endpoint = endpoints['function URL'];
    const write = await sam(
      alice,
      endpoint,
      'view',
      '-u',
      '--no-PG',
      '-o',
      htsUrl(endpoint, V, 'written/big-function-URL.bam'),
      path('big.sam'),
    );
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('writing to "s3+http://alice-genomes/written/big-function-URL.bam" failed');
    // htslib prints the refused part's answer as it came: Lambda's own JSON 413.
    expect(write.stdout).toContain('Request must be smaller than 6291456 bytes');
    expect(await landed('written/big-function-URL.bam')).toBeNull();
  });
});

describe('GDAL /vsis3/', () => {
  it('gdalinfo describes a COG on the volume as it describes the local file', async () => {
    const summary = (json: string) => {
      const { description: _d, files: _f, ...rest } = JSON.parse(json);
      return rest;
    };
    const local = summary(ok(await geo(alice, endpoints['Node front'], 'gdalinfo', ['-json', path('fixtures/img.tif')])));
    expect(local.size).toEqual([2048, 2048]);
    await eachFront(async (_front, endpoint) => {
      expect(summary(ok(await geo(alice, endpoint, 'gdalinfo', ['-json', `/vsis3/${V}/fixtures/img.tif`])))).toEqual(local);
    });
  });

  it('gdal_translate reads a window of a remote COG with ranged GETs only, the same pixels as from the local file', async () => {
    const windowOf = async (source: string, out: string, endpoint = endpoints['Node front'], env = {}) => {
      const got = await geo(alice, endpoint, 'gdal_translate', ['-q', '-of', 'ENVI', '-srcwin', ...WINDOW, source, path(out)], env);
      ok(got);
      return { pixels: readFileSync(path(out)), stderr: got.stderr };
    };
    const local = await windowOf(path('fixtures/img.tif'), 'window-local.raw');
    expect(local.pixels.length).toBe(300 * 200);
    const cogSize = readFileSync(path('fixtures/img.tif')).length;
    await eachFront(async (front, endpoint) => {
      const remote = await windowOf(`/vsis3/${V}/fixtures/img.tif`, `window-${front.replace(' ', '-')}.raw`, endpoint, {
        CPL_CURL_VERBOSE: 'YES',
      });
      expect(remote.pixels.equals(local.pixels), front).toBe(true);
      const reads = curlRequests(remote.stderr).filter((r) => r.path === `/${V}/fixtures/img.tif`);
      expect(reads.length).toBeGreaterThan(0);
      const ranges = reads.map((r) => /^bytes=(\d+)-(\d+)$/.exec(r.headers.range ?? ''));
      expect(
        ranges.every((r) => r !== null),
        `${front}: every GET of the COG is ranged`,
      ).toBe(true);
      const fetched = ranges.reduce((sum, r) => sum + Number(r![2]) - Number(r![1]) + 1, 0);
      expect(fetched).toBeLessThan(cogSize / 4);
    });
  });

  it('gdal_translate writes a COG and ogr2ogr a GeoJSON to /vsis3/ (one PUT each) through both fronts, byte for byte', async () => {
    await eachFront(async (front, endpoint) => {
      const tag = front.replace(' ', '-');
      ok(await geo(alice, endpoint, 'gdal_translate', [...COG, path('small-raster.raw'), `/vsis3/${V}/written/${tag}.tif`]));
      ok(await geo(alice, endpoint, 'ogr2ogr', ['-f', 'GeoJSON', `/vsis3/${V}/written/${tag}.geojson`, path('pts.csv'), ...CSV_OPEN]));
      expect(await landed(`written/${tag}.tif`), front).toBe(sha256(readFileSync(path('small.tif'))));
      expect(await landed(`written/${tag}.geojson`), front).toBe(sha256(readFileSync(path('pts.geojson'))));
    });
  });

  it('ogr2ogr writes a GeoPackage to /vsis3/ via both fronts (SQLite writes at random: via a temporary file), and reads it', async () => {
    // A GeoPackage holds its creation time, so its features are compared, as ogr2ogr exports them from the local copy.
    const features = readFileSync(path('pts-of-gpkg.geojson'), 'utf8');
    await eachFront(async (front, endpoint) => {
      const remote = `/vsis3/${V}/written/${front.replace(' ', '-')}.gpkg`;
      ok(await geo(alice, endpoint, 'ogr2ogr', ['-f', 'GPKG', remote, path('pts.csv'), ...CSV_OPEN]));
      expect(ok(await geo(alice, endpoint, 'ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', remote])), front).toBe(features);
    });
  });

  it('python3-gdal streams a file larger than VSIS3_CHUNK_SIZE as a multipart upload through the Node front, byte for byte', async () => {
    const results = await geoPy(
      alice,
      endpoints['Node front'],
      [{ name: 'write', do: 'write', file: path('big.bin'), path: `${V}/written/big.bin` }],
      { VSIS3_CHUNK_SIZE: '5' },
    );
    expect(results.write).toEqual({ value: true });
    expect(await landed('written/big.bin')).toBe(sha256(readFileSync(path('big.bin'))));
    const head = await bucket.send(new HeadObjectCommand({ Bucket: 'alice-lab', Key: `${PREFIX}/written/big.bin` }));
    expect(head.ETag).toMatch(/-3"$/);
  });

  it('gdal.Sync uploads a local tree, Rename copies server-side and Unlink deletes, through both fronts, byte for byte', async () => {
    await eachFront(async (front, endpoint) => {
      const under = `synced-${front.replace(' ', '-')}`;
      const got = await geoPy(alice, endpoint, [
        { name: 'sync', do: 'sync', file: `${path('tree')}/`, path: `${V}/${under}` },
        { name: 'rename', do: 'rename', path: `${V}/${under}/b.fa`, to: `${V}/${under}/renamed.fa` },
        { name: 'unlink', do: 'unlink', path: `${V}/${under}/deep/c.txt` },
      ]);
      expect(got, front).toEqual({ sync: { value: true }, rename: { value: 0 }, unlink: { value: 0 } });
      const sha = (name: string) => sha256(readFileSync(path(`tree/${name}`)));
      for (const name of ['a.txt', 'deep/deeper/d.txt']) expect(await landed(`${under}/${name}`), `${front}: ${name}`).toBe(sha(name));
      expect(await landed(`${under}/renamed.fa`)).toBe(sha('b.fa'));
      expect(await landed(`${under}/b.fa`)).toBeNull();
      expect(await landed(`${under}/deep/c.txt`)).toBeNull();
    });
  });

  it('ReadDir lists a directory of the volume and ReadDirRecursive its tree, through both fronts', async () => {
    await eachFront(async (front, endpoint) => {
      const got = await geoPy(alice, endpoint, [
        { name: 'dir', do: 'readDir', path: `${V}/fixtures` },
        { name: 'tree', do: 'readDirRecursive', path: `${V}/fixtures` },
        { name: 'size', do: 'stat', path: `${V}/fixtures/img.tif` },
      ]);
      expect(got.dir!.value.sort(), front).toEqual(['deep', 'img.tif', 'ref.fa', 'ref.fa.fai', 'x.bam', 'x.bam.bai']);
      expect(got.tree!.value.sort(), front).toEqual(['deep/note.txt', 'img.tif', 'ref.fa', 'ref.fa.fai', 'x.bam', 'x.bam.bai']);
      expect(got.size!.value).toBe(readFileSync(path('fixtures/img.tif')).length);
    });
  });

  it('RmdirRecursive deletes a directory tree of the volume through both fronts, and nothing beside it', async () => {
    await eachFront(async (front, endpoint) => {
      const tree = `${V}/tree-${front.replace(' ', '-')}`;
      const got = await geoPy(alice, endpoint, [
        ...['a.txt', 'b/c.txt', 'b/d/e.txt'].map((name) => ({
          name,
          do: 'write' as const,
          file: path('small.bin'),
          path: `${tree}/${name}`,
        })),
        { name: 'before', do: 'readDir', path: tree },
        { name: 'rm', do: 'rmdirRecursive', path: tree },
        { name: 'after', do: 'readDir', path: tree },
      ]);
      expect(got.before!.value.sort(), front).toEqual(['a.txt', 'b']);
      expect(got.rm, front).toEqual({ value: 0 });
      expect(got.after!.value, front).toBeNull();
      expect(await keysUnder(`tree-${front.replace(' ', '-')}/`)).toEqual([]);
    });
    expect((await keysUnder('fixtures/')).length).toBe(FIXTURES.length);
  });
});

describe('carol, a read member', () => {
  it('reads a BAM region with samtools and a COG with gdalinfo through both fronts', async () => {
    const region = await run('/usr/bin/samtools', 'view', path('fixtures/x.bam'), 'chr1:1000-3000');
    await eachFront(async (_front, endpoint) => {
      const [bam, info] = await Promise.all([
        sam(carol, endpoint, 'view', htsUrl(endpoint, V, 'fixtures/x.bam'), 'chr1:1000-3000'),
        geo(carol, endpoint, 'gdalinfo', [`/vsis3/${V}/fixtures/img.tif`]),
      ]);
      expect(ok(bam)).toBe(region);
      expect(ok(info)).toContain('Size is 2048, 2048');
    });
  });

  it('is refused writes and deletes: samtools, ogr2ogr and python3-gdal report an error, exit non-zero, and nothing changes', async () => {
    await eachFront(async (front, endpoint) => {
      const tag = `carol-${front.replace(' ', '-')}`;
      const [bam, ogr, py] = await Promise.all([
        sam(carol, endpoint, 'view', '--verbosity', '8', '-b', '--no-PG', '-o', htsUrl(endpoint, V, `written/${tag}.bam`), path('x.sam')),
        geo(carol, endpoint, 'ogr2ogr', ['-f', 'GeoJSON', `/vsis3/${V}/written/${tag}.geojson`, path('pts.csv'), ...CSV_OPEN], {
          CPL_CURL_VERBOSE: 'YES',
        }),
        geoPy(carol, endpoint, [
          { name: 'write', do: 'write', file: path('small.bin'), path: `${V}/written/${tag}.bin` },
          { name: 'rm', do: 'rmdirRecursive', path: `${V}/fixtures` },
        ]),
      ]);
      // Refused by the proxy (403, in the clients' own HTTP logs), not failed for another reason.
      expect(bam.code, `${front}: samtools write`).not.toBe(0);
      expect(bam.stderr).toMatch(/^< HTTP\/1\.1 403/m);
      expect(ogr.code, `${front}: ogr2ogr`).not.toBe(0);
      expect(ogr.stderr).toMatch(/^< HTTP\/1\.1 403/m);
      expect(py.write!.error, `${front}: VSIF write`).toMatch(/failed/);
      expect(py.rm!.error, `${front}: RmdirRecursive`).toMatch(/DeleteObjects failed/);
      for (const ext of ['bam', 'geojson', 'bin']) expect(await landed(`written/${tag}.${ext}`)).toBeNull();
    });
    expect((await keysUnder('fixtures/')).length).toBe(FIXTURES.length);
  });
});

describe('the bucket, listed by the customer afterwards', () => {
  it('holds nothing the clients wrote outside the volume prefix', async () => {
    const listed = await bucket.send(new ListObjectsV2Command({ Bucket: 'alice-lab' }));
    expect(listed.IsTruncated).toBe(false);
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    expect(keys.filter((key) => !key.startsWith(`${PREFIX}/`)).sort()).toEqual(['other/secret.txt', 'project-x-evil/secret.txt']);
    expect(keys.filter((key) => key.startsWith(`${PREFIX}/written/`)).length).toBeGreaterThan(0);
  });
});
