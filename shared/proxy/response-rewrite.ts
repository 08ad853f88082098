/**
 * S3's XML answers, rewritten so a client sees its volume and its keys, never the real bucket or the volume's
 * prefix: listings (V1 and V2), multipart listings and results, DeleteObjects results, and error documents.
 * The document's root element says which it is (S3 may answer a copy or a CompleteMultipartUpload with 200
 * and an `<Error>` inside). Keys S3 URL-encoded (`encoding-type=url`) stay encoded in S3's own style. Keys are
 * read as XML reads them and written back with the one escaper; anything else inside a key (a comment, CDATA)
 * is refused by the rewriter, never passed on unmapped.
 */
import { wellFormedXml } from '../s3/xml-escape';
import { uriEncode } from '../sigv4/encoding';
import type { Volume } from '../volumes/model';
import { clientKey, clientKeyEncoded, rootOf } from './keys';
import { rewriteXml, rootElement, type TextRule } from './xml-rewrite';

export interface RewriteContext {
  volume: Pick<Volume, 'name' | 'bucket' | 'prefix'>;
  /** The request asked for `encoding-type=url`. */
  urlEncoded: boolean;
  /** Ours, for `<RequestId>` of error documents. */
  requestId: string;
  /** Where clients reach the proxy (`https://host`), for `<Location>`. */
  origin: string;
  /** The key the request named (client's), for error documents' `Resource`. */
  key?: string;
}

export class UpstreamAnomaly extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamAnomaly';
  }
}

/** A key of S3's answer as the client must see it; an answer naming a key outside the root is S3 misbehaving. */
function keyRule(ctx: RewriteContext, encodedIfAsked: boolean): TextRule {
  const encoded = encodedIfAsked && ctx.urlEncoded;
  return (text) => {
    if (text === '') return '';
    const mapped = encoded ? clientKeyEncoded(ctx.volume, text) : clientKey(ctx.volume, text);
    if (mapped === undefined) throw new UpstreamAnomaly('S3 answered with a key outside the volume root');
    return mapped;
  };
}

const named =
  (ctx: RewriteContext): TextRule =>
  () =>
    ctx.volume.name;

function listingRules(ctx: RewriteContext): Record<string, TextRule> {
  const key = keyRule(ctx, true);
  return {
    'ListBucketResult/Name': named(ctx),
    'ListBucketResult/Prefix': key,
    'ListBucketResult/StartAfter': key,
    'ListBucketResult/Marker': key,
    'ListBucketResult/NextMarker': key,
    'ListBucketResult/Contents/Key': key,
    'ListBucketResult/CommonPrefixes/Prefix': key,
    'ListMultipartUploadsResult/Bucket': named(ctx),
    'ListMultipartUploadsResult/Prefix': key,
    'ListMultipartUploadsResult/KeyMarker': key,
    'ListMultipartUploadsResult/NextKeyMarker': key,
    'ListMultipartUploadsResult/Upload/Key': key,
    'ListMultipartUploadsResult/CommonPrefixes/Prefix': key,
  };
}

function resultRules(ctx: RewriteContext): Record<string, TextRule> {
  const key = keyRule(ctx, false);
  const location: TextRule = () => `${ctx.origin}/${uriEncode(ctx.volume.name)}/${ctx.key === undefined ? '' : uriEncode(ctx.key, true)}`;
  return {
    'ListPartsResult/Bucket': named(ctx),
    'ListPartsResult/Key': key,
    'InitiateMultipartUploadResult/Bucket': named(ctx),
    'InitiateMultipartUploadResult/Key': key,
    'CompleteMultipartUploadResult/Bucket': named(ctx),
    'CompleteMultipartUploadResult/Key': key,
    'CompleteMultipartUploadResult/Location': location,
    'DeleteResult/Deleted/Key': key,
    'DeleteResult/Error/Key': key,
  };
}

/** Generic words for S3 messages that would show the bucket, the prefix or a role. */
const GENERIC: Record<string, string> = {
  AccessDenied: 'Access Denied',
  NoSuchKey: 'The specified key does not exist.',
  NoSuchUpload: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
};

/** S3's message, unless it names the bucket, the root or an ARN; then words that do not (and the action S3 refused). */
export function scrubMessage(ctx: RewriteContext, code: string, message: string): string {
  const { bucket } = ctx.volume;
  const root = rootOf(ctx.volume);
  const leaks = message.includes('arn:') || message.includes(bucket) || (root !== '' && message.includes(root));
  if (!leaks) return message;
  const action = /perform: (s3:\w+)/.exec(message)?.[1];
  const base = GENERIC[code] ?? `S3 refused the request (${code}).`;
  return action ? `${base}: S3 does not allow ${action} here to this volume's credentials.` : base;
}

function errorRules(ctx: RewriteContext, code: string): Record<string, TextRule> {
  const safeKey: TextRule = (text) => clientKey(ctx.volume, text) ?? null;
  const resource = `/${ctx.volume.name}${ctx.key === undefined ? '' : `/${ctx.key}`}`;
  return {
    'Error/Message': (text) => scrubMessage(ctx, code, text),
    'Error/Key': safeKey,
    'Error/BucketName': named(ctx),
    'Error/Bucket': named(ctx),
    'Error/Resource': () => resource,
    'Error/RequestId': () => ctx.requestId,
    'Error/HostId': () => null,
    'Error/Endpoint': () => null,
  };
}

/** The `<Code>` of an error document. */
export const errorCode = (xml: string): string => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? '';

/** The document rewritten for the client; documents of any other kind (CopyObjectResult…) are returned as they are. */
export function rewriteResponse(xml: string, ctx: RewriteContext): string {
  const root = rootElement(xml);
  // An error document must reach every client, strict XML parsers included, even when S3 wrote a key's control characters into it.
  if (root === 'Error') return wellFormedXml(rewriteXml(xml, errorRules(ctx, errorCode(xml))));
  if (root === 'ListBucketResult' || root === 'ListMultipartUploadsResult') return rewriteXml(xml, listingRules(ctx));
  return rewriteXml(xml, resultRules(ctx));
}
