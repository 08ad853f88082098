/**
 * The S3 errors this service raises, with S3's codes, statuses, messages and the extra `<Error>` fields
 * S3 puts beside them. Everything is an {@link AwsError}; {@link renderError} turns one into S3's XML once.
 */
import { createHash } from 'node:crypto';
// Error documents are well-formed XML 1.0 whatever the request named: the strict form of the one escaper.
import { escapeXmlStrict } from '../../../shared/s3/xml-escape';
import { AwsError, type AwsResponse } from '../types';

export const accessDenied = (message = 'Access Denied') => new AwsError('AccessDenied', message, 403);

export const noSuchBucket = (bucket: string) =>
  new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });

export const noSuchKey = (key: string) => new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });

export const noSuchUpload = (uploadId: string) =>
  new AwsError(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    { UploadId: uploadId },
  );

export const invalidArgument = (message: string, name?: string, value?: string) =>
  new AwsError('InvalidArgument', message, 400, {
    ...(name !== undefined ? { ArgumentName: name } : {}),
    ...(value !== undefined ? { ArgumentValue: value } : {}),
  });

export const invalidRequest = (message: string) => new AwsError('InvalidRequest', message, 400);

export const malformedXml = () =>
  new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);

export const notImplemented = (operation: string) =>
  new AwsError('NotImplemented', `${operation} is not implemented by this local S3 endpoint.`, 501);

export const preconditionFailed = (condition: string) =>
  new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition });

export const invalidRange = (requested: string, size: number) =>
  new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, {
    RangeRequested: requested,
    ActualObjectSize: String(size),
  });

export const badDigest = (message: string, extra: Record<string, string> = {}) => new AwsError('BadDigest', message, 400, extra);

export const incompleteBody = () =>
  new AwsError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', 400);

export const entityTooLarge = (proposed: number, max: number) =>
  new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
    ProposedSize: String(proposed),
    MaxSizeAllowed: String(max),
  });

export const methodNotAllowed = (method: string, resourceType: string) =>
  new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
    Method: method,
    ResourceType: resourceType,
  });

export const invalidPartNumber = () => invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber');

/** An internal error: the client learns nothing but the request id. */
const internalError = () => new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500);

/** S3's `x-amz-id-2` / `<HostId>`: an opaque token; ours is derived from the request id so it is stable per request. */
export function hostId(requestId: string): string {
  return createHash('sha256').update(`host:${requestId}`).digest('base64');
}

/**
 * Renders any error as S3 does: AwsError as `<Error>` XML with its status; anything else as a bare 500
 * (logged, never described to the client). HEAD responses never carry a body.
 */
export function renderError(
  error: unknown,
  requestId: string,
  method: string,
  log: (message: string, error: unknown) => void,
): AwsResponse {
  let err: AwsError;
  if (error instanceof AwsError) err = error;
  else {
    log(`s3: internal error in request ${requestId}`, error);
    err = internalError();
  }
  const headers: Record<string, string> = { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId(requestId) };
  if (err.code === 'InvalidRange' && err.extra.ActualObjectSize !== undefined) {
    headers['content-range'] = `bytes */${err.extra.ActualObjectSize}`;
  }
  if (method === 'HEAD') return { status: err.status, headers };
  const extras = Object.entries(err.extra)
    .map(([name, value]) => `<${name}>${escapeXmlStrict(value)}</${name}>`)
    .join('');
  const body =
    `<?xml version="1.0" ` +
    `encoding="UTF-8"?>\n<Error><Code>${escapeXmlStrict(err.code)}</Code><Message>${escapeXmlStrict(err.message)}</Message>` +
    `${extras}<RequestId>${escapeXmlStrict(requestId)}</RequestId><HostId>${escapeXmlStrict(hostId(requestId))}</HostId></Error>`;
  headers['content-type'] = 'application/xml';
  headers['content-length'] = String(Buffer.byteLength(body));
  return { status: err.status, headers, body };
}
