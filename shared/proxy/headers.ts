/**
 * Which headers cross the proxy. Towards S3: what S3 semantics need from the client (`x-amz-*` except the
 * client's own signing, the content headers, `range` and the conditionals), never hop-by-hop or signing headers,
 * and `aws-chunked` is taken out of `content-encoding`: the client's framing is undone (`body.ts` re-frames a body
 * whose checksum trailer goes on, and sets its own framing headers). Back to the client:
 * everything S3 says about the object, without what breaks clients (`x-amz-bucket-region`, which Nextflow
 * follows to the real S3) or names the real bucket (`location` of a redirect), and with our request id.
 */

/** Kept as they are, besides `x-amz-*` and `if-*`. */
const CONTENT_HEADERS = new Set([
  'range',
  'content-type',
  'content-md5',
  'content-length',
  'content-encoding',
  'cache-control',
  'content-disposition',
  'content-language',
  'expires',
]);

/** The client's signing, the body framing we undo, and the copy source we rewrite: never forwarded as sent. */
const NOT_FORWARDED = new Set([
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-decoded-content-length',
  'x-amz-trailer',
  'x-amz-copy-source',
]);

/** `aws-chunked` removed from a `content-encoding` list; undefined when nothing is left. */
export function withoutAwsChunked(value: string): string | undefined {
  const kept = value
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '' && token.toLowerCase() !== 'aws-chunked');
  return kept.length > 0 ? kept.join(', ') : undefined;
}

export function forwardedHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const kept = (name.startsWith('x-amz-') && !NOT_FORWARDED.has(name)) || name.startsWith('if-') || CONTENT_HEADERS.has(name);
    if (!kept) continue;
    if (name === 'content-encoding') {
      const encoding = withoutAwsChunked(value);
      if (encoding !== undefined) out[name] = encoding;
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** Dropped from S3's answers: client-breaking, bucket-naming, S3's own ids (ours replace them), and hop-by-hop. */
const NOT_RETURNED = new Set([
  'x-amz-bucket-region',
  'x-amz-access-point-alias',
  'x-amz-request-id',
  'x-amz-id-2',
  // Other AWS services' spelling of their request id; SDKs read it before x-amz-request-id, so it would hide ours.
  'x-amzn-requestid',
  'x-amzn-request-id',
  'location',
  'server',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'trailer',
]);

export function returnedHeaders(headers: Record<string, string>, requestId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!NOT_RETURNED.has(name)) out[name] = value;
  }
  out['x-amz-request-id'] = requestId;
  return out;
}
