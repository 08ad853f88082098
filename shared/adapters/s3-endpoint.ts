/**
 * Where an object request to a general purpose bucket goes: S3's endpoint rules for the requests the URL signer
 * makes, without the S3 client (whose operation schemas, middleware and checksums are most of a data route's
 * bundle). The cases are the gateway's: AWS's regional endpoints in every partition (`https://bucket.s3.region.dnsSuffix`,
 * path style where the bucket cannot be a host name, a dotted one, or with `forcePathStyle`), and a custom endpoint
 * (path style with `forcePathStyle`, for an IP address such as the local stack's, or for a bucket that cannot be a
 * host name; else the bucket as the first host label). A test compares these endpoints and the URLs signed for them
 * with the SDK's for each case. What the gateway never configures is refused, not guessed: FIPS or dual-stack
 * endpoints, and buckets that are not general purpose ones (ARNs, directory buckets), which a volume cannot name.
 *
 * The endpoint's source is the S3 client's, read from the environment as a Lambda function has it: the one given,
 * else `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`). The shared
 * config file (`~/.aws/config`), which a Lambda function has not, is not read.
 */
import { awsEndpointFunctions } from '@aws-sdk/core/client';
import { isIpAddress, isValidHostLabel } from '@smithy/core/endpoints';

export interface S3EndpointSettings {
  forcePathStyle: boolean;
  /** A custom endpoint; without it, the environment's (see above), else AWS's. */
  endpoint?: string;
}

/** Where a bucket's object URLs point: the key's path (each segment encoded) goes after `basePath` and a `/`. */
export interface S3ObjectEndpoint {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** What goes before the key's `/`: the endpoint's path, with the bucket path-style (`''` for none). */
  basePath: string;
}

/** The AWS rule library's functions S3's rules call (partitions from the SDK's own table). */
const aws = awsEndpointFunctions as {
  isVirtualHostableS3Bucket(bucket: string, allowSubDomains: boolean): boolean;
  partition(region: string): { dnsSuffix: string } | undefined;
};

const isTrue = (value: string | undefined) => value?.toLowerCase() === 'true';

/** The custom endpoint in effect, or '' for AWS's. Read at each call: the environment is the process's. */
function configuredEndpoint(settings: S3EndpointSettings, env: NodeJS.ProcessEnv): string {
  for (const name of ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT']) {
    if (isTrue(env[name])) throw new TypeError(`${name} is set: the URL signer signs for S3's regional endpoints only`);
  }
  if (settings.endpoint) return settings.endpoint;
  if (isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return '';
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || '';
}

/** Path style: the bucket is the segment after the endpoint's path (`{url#normalizedPath}{uri_encoded_bucket}`). */
const pathStyle = (protocol: string, hostname: string, port: number | undefined, path: string, bucket: string): S3ObjectEndpoint => ({
  protocol,
  hostname,
  port,
  basePath: `${path.endsWith('/') ? path : `${path}/`}${encodeURIComponent(bucket)}`,
});

/** S3's endpoint for the objects of general purpose bucket `bucket` in `region` (throws TypeError for a case not written here). */
export function s3ObjectEndpoint(bucket: string, region: string, settings: S3EndpointSettings, env = process.env): S3ObjectEndpoint {
  const endpoint = configuredEndpoint(settings, env);
  if (!isValidHostLabel(region)) throw new TypeError(`not a region S3 has endpoints in: ${JSON.stringify(region)}`);
  if (bucket.includes(':') || bucket.endsWith('--x-s3')) throw new TypeError(`not a general purpose bucket: ${JSON.stringify(bucket)}`);
  const hostable = aws.isVirtualHostableS3Bucket(bucket, false);
  if (endpoint === '') {
    const host = `s3.${region}.${aws.partition(region)!.dnsSuffix}`;
    return hostable && !settings.forcePathStyle
      ? { protocol: 'https:', hostname: `${bucket}.${host}`, port: undefined, basePath: '' }
      : pathStyle('https:', host, undefined, '', bucket);
  }
  const url = new URL(endpoint);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username)
    throw new TypeError(`not an http(s) endpoint S3's rules accept: ${JSON.stringify(url.origin)}`);
  const port = url.port ? Number(url.port) : undefined;
  if (settings.forcePathStyle || !hostable || isIpAddress(url.hostname))
    return pathStyle(url.protocol, url.hostname, port, url.pathname, bucket);
  // `{url#path}` as it is, a trailing `/` too, before the key's `/` (the SDK's join keeps both); a bare `/` is none.
  return { protocol: url.protocol, hostname: `${bucket}.${url.hostname}`, port, basePath: url.pathname === '/' ? '' : url.pathname };
}

/** S3's REST binding of a greedy `{Key+}` label: each segment as `encodeURIComponent`, plus `!'()*` (smithy's extended encoding). */
export const encodeKey = (key: string) =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
