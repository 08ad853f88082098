/**
 * samtools (htslib's s3 plugin) and GDAL's /vsis3/ as a genomics or geospatial user points them at an
 * S3-compatible endpoint: both take a host:port, not a URL, and their keys from the environment.
 * - htslib 1.16: `s3+http://BUCKET/KEY` (the scheme says http), HTS_S3_HOST, HTS_S3_ADDRESS_STYLE=path,
 *   AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION. It writes every file as a multipart upload
 *   (parts of 5 MiB, the last one smaller; a small file is a one-part upload) and reads each part's ETag from
 *   the answer's `ETag: "` header, spelled so.
 * - GDAL 3.6: `/vsis3/BUCKET/KEY`, AWS_S3_ENDPOINT, AWS_HTTPS=NO, AWS_VIRTUAL_HOSTING=FALSE, AWS_REGION.
 *   It writes sequentially: one PUT up to VSIS3_CHUNK_SIZE (MiB, 5 at least, 50 by default), a multipart upload
 *   beyond; formats that seek while writing (GeoTIFF, GeoPackage) need CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE.
 * Nothing of the developer's AWS or s3cmd configuration is read (HOME is the test's directory, and the
 * credential files named point at nothing). Each runs in the test's directory and resolves whatever the exit code, as
 * clients.ts's runClient does.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { type ClientRun, type GatewayKey, ok } from './clients';

const baseEnv = (home: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });

/** htslib's URL of `key` in `bucket` behind `endpoint` (the endpoint's host goes in HTS_S3_HOST). */
export const htsUrl = (endpoint: string, bucket: string, key: string): string =>
  `s3+${new URL(endpoint).protocol.replace(':', '')}://${bucket}/${key}`;

/**
 * /usr/bin/samtools (Debian's 1.16) with `endpoint` as its S3 host, path-style. It runs in `home`: htslib saves the
 * index of a remote BAM it reads (x.bam.bai) into its working directory.
 */
export function samtools(home: string) {
  return (key: GatewayKey, endpoint: string, ...args: string[]): Promise<ClientRun> =>
    runIn(home, '/usr/bin/samtools', args, {
      ...baseEnv(home),
      HTS_S3_HOST: new URL(endpoint).host,
      HTS_S3_ADDRESS_STYLE: 'path',
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
      HTS_S3_S3CFG: join(home, 'no-s3cfg'),
    });
}

/** runClient's run, in the working directory `cwd`. */
function runIn(cwd: string, file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ClientRun> {
  return new Promise((done, fail) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return fail(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr}`));
      done({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

export type GdalTool = 'gdalinfo' | 'gdal_translate' | 'ogr2ogr' | 'ogrinfo';

/** GDAL's configuration, from the environment, for /vsis3/ against `endpoint`. */
const gdalEnv = (home: string, key: GatewayKey, endpoint: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const url = new URL(endpoint);
  return {
    ...baseEnv(home),
    AWS_S3_ENDPOINT: url.host,
    AWS_HTTPS: url.protocol === 'https:' ? 'YES' : 'NO',
    AWS_VIRTUAL_HOSTING: 'FALSE',
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_REGION: 'us-east-1',
    CPL_AWS_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_CONFIG_FILE: join(home, 'no-config'),
    CPL_AWS_AUTODETECT_EC2: 'NO',
    CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE: 'YES',
    ...extra,
  };
};

/** Debian's GDAL 3.6 tools (gdalinfo, gdal_translate, ogr2ogr, ogrinfo) with `endpoint` behind /vsis3/. */
export function gdal(home: string) {
  return (key: GatewayKey, endpoint: string, tool: GdalTool, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<ClientRun> =>
    runIn(home, `/usr/bin/${tool}`, args, gdalEnv(home, key, endpoint, extra));
}

/** One step of gdal-client.py; `name` is where its result lands. Paths are under /vsis3/. */
export type GdalStep = {
  name: string;
  do: 'write' | 'readDir' | 'readDirRecursive' | 'rmdirRecursive' | 'stat' | 'sync' | 'rename' | 'unlink';
  path: string;
  file?: string;
  to?: string;
};
export type GdalResult = { value?: any; error?: string };

/** python3-gdal (Debian's /usr/bin/python3) running gdal-client.py's steps in order. */
export function gdalPython(home: string) {
  const script = resolve(import.meta.dirname, 'gdal-client.py');
  return async (key: GatewayKey, endpoint: string, steps: GdalStep[], extra: NodeJS.ProcessEnv = {}): Promise<Record<string, GdalResult>> =>
    JSON.parse(ok(await runIn(home, '/usr/bin/python3', [script, JSON.stringify({ steps })], gdalEnv(home, key, endpoint, extra))));
}

export interface CurlRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** The requests GDAL sent, from its CPL_CURL_VERBOSE=YES log on stderr (`> GET /path HTTP/1.1` and headers). */
export function curlRequests(stderr: string): CurlRequest[] {
  const requests: CurlRequest[] = [];
  for (const block of stderr.split(/^> /m).slice(1)) {
    const [first, ...lines] = block.split(/\r?\n/);
    const line = /^([A-Z]+) (\S+) HTTP/.exec(first ?? '');
    if (!line) continue;
    const headers: Record<string, string> = {};
    for (const header of lines) {
      const colon = header.indexOf(':');
      if (!header.trim() || colon < 0) break;
      headers[header.slice(0, colon).toLowerCase()] = header.slice(colon + 1).trim();
    }
    requests.push({ method: line[1]!, path: line[2]!, headers });
  }
  return requests;
}
