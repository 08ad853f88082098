/**
 * DeleteObjects carries its keys in an XML body: the one request body the proxy reads whole (S3 takes at most
 * 1,000 keys, so it is small). It is checked first as S3 would (its signed hash or chunks, Content-MD5 and
 * `x-amz-checksum-*`), then parsed as XML as S3 parses it (a comment or CDATA inside a key is part of no key or
 * of the key, as XML says), refused as S3 refuses it (MalformedXML), and every key mapped under the volume's
 * root like any other key before anything is sent. S3 gets a document built afresh from those values, with
 * its own Content-MD5 and hash: no byte of the client's markup reaches it, so a key outside the root cannot.
 */
import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { type DeleteRequest, deleteRequestXml, parseDeleteRequest } from '../s3/delete-request';
import { MalformedXmlBody } from '../s3/xml-body';
import {
  awsChunkedDecoder,
  checksumAlgorithmOf,
  createChecksum,
  createPayloadHashCheck,
  isSha256Hex,
  isStreamingMode,
  type ParsedSigV4,
} from '../sigv4';
import type { Volume } from '../volumes/model';
import { readAll, unverifiedDecoder } from './body';
import { S3Refusal } from './errors';
import { realKey } from './keys';
import type { ProxyRequest } from './types';

export const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;

const malformed = () =>
  new S3Refusal(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');

export interface RewrittenDelete {
  body: Buffer;
  /** Hex SHA-256 of `body`, to sign. */
  sha256: string;
  contentMd5: string;
  keys: number;
}

function checkedBody(req: ProxyRequest, parsed: ParsedSigV4, secret: string | undefined): Readable {
  const hash = parsed.payloadHash;
  if (isStreamingMode(hash)) {
    const decoder = secret === undefined ? unverifiedDecoder(req, hash) : awsChunkedDecoder(req, parsed, hash, secret);
    return pipeline(req.body, decoder, () => undefined);
  }
  if (isSha256Hex(hash)) return pipeline(req.body, createPayloadHashCheck(hash!), () => undefined);
  return req.body;
}

/** Checks the digests the client sent in headers (trailing ones are checked by the decoder). */
async function checkDigests(req: ProxyRequest, raw: Buffer): Promise<void> {
  const md5 = req.headers['content-md5'];
  if (md5 !== undefined && createHash('md5').update(raw).digest('base64') !== md5.trim()) {
    throw new S3Refusal(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  for (const [name, value] of Object.entries(req.headers)) {
    const algorithm = checksumAlgorithmOf(name);
    if (!algorithm) continue;
    const checksum = createChecksum(algorithm);
    checksum.update(raw);
    if ((await checksum.digestBase64()) !== value.trim())
      throw new S3Refusal(400, 'BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
  }
}

/**
 * The body S3 gets: every key mapped under the volume's root, all of them checked before anything is sent, so
 * a batch is refused whole or forwarded whole. An empty key stays empty (S3 answers it UserKeyMustBeSpecified).
 */
export async function rewriteDeleteBody(
  req: ProxyRequest,
  parsed: ParsedSigV4,
  secret: string | undefined,
  volume: Pick<Volume, 'prefix'>,
): Promise<RewrittenDelete> {
  const raw = await readAll(
    checkedBody(req, parsed, secret),
    MAX_DELETE_BODY_BYTES,
    () => new S3Refusal(400, 'MalformedXML', `The DeleteObjects body is over ${MAX_DELETE_BODY_BYTES} bytes.`),
  );
  await checkDigests(req, raw);
  let request: DeleteRequest;
  try {
    request = parseDeleteRequest(raw.toString('utf8'));
  } catch (error) {
    if (error instanceof MalformedXmlBody) throw malformed();
    throw error;
  }
  const mapped = { ...request, objects: request.objects.map((o) => ({ ...o, Key: o.Key === '' ? '' : realKey(volume, o.Key) })) };
  const body = Buffer.from(deleteRequestXml(mapped), 'utf8');
  return {
    body,
    sha256: createHash('sha256').update(body).digest('hex'),
    contentMd5: createHash('md5').update(body).digest('base64'),
    keys: mapped.objects.length,
  };
}
