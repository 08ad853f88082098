/**
 * The proxy's refusals and the one place any error becomes S3's error document
 * (`<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>`), so S3 clients show our
 * refusals the way they show S3's own. Domain errors keep their status and `s3Code`; SigV4 errors theirs;
 * anything else is a 500 `InternalError` with no detail, logged.
 */
import { AppError, causeFields } from '../errors';
import type { Logger } from '../log';
import { countMetric } from '../metrics';
import { s3ErrorXml } from '../s3/error-xml';
import { SigV4Error } from '../sigv4';
import type { ProxyResponse } from './types';

/** An S3 error the proxy answers itself; `extra` are the fields S3 puts inside `<Error>` (`BucketName`, …). */
export class S3Refusal extends AppError {
  constructor(
    status: number,
    s3Code: string,
    message: string,
    readonly extra: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(status, s3Code, message, s3Code, undefined, options);
  }
}

const HOW_TO_SIGN =
  'Use an S3 client (aws cli, boto3, rclone, Nextflow, an AWS SDK) with a gateway access key (POST /access-keys) as its access key id ' +
  'and secret, or, the weaker option, your token as the access key id and any secret.';

export const anonymousRefused = () => new S3Refusal(403, 'AccessDenied', `Anonymous requests are not accepted. ${HOW_TO_SIGN}`);

export const bearerRefused = () =>
  new S3Refusal(401, 'AccessDenied', `This is an S3 endpoint: it does not accept "Authorization: Bearer" tokens. ${HOW_TO_SIGN}`);

export const unknownAccessKey = () =>
  new S3Refusal(
    403,
    'InvalidAccessKeyId',
    `The access key id you provided does not exist in our records: it may have been revoked or have expired. ${HOW_TO_SIGN}`,
  );

/** A volume that does not exist, or that the caller (or their key) may not see: the two are never told apart. */
export const noSuchBucket = (name: string) =>
  new S3Refusal(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: name.slice(0, 255) });

export const notImplemented = (what: string) =>
  new S3Refusal(
    501,
    'NotImplemented',
    `The S3 proxy does not implement ${what}. It implements object reads and writes, listings, copies, multipart uploads and object ` +
      `tags inside a volume.`,
  );

/** An argument S3 would refuse (a `response-*` override no header can carry, …); `extra` names it. */
export const invalidArgument = (message: string, extra: Record<string, string>) => new S3Refusal(400, 'InvalidArgument', message, extra);

export const invalidUri = () =>
  new S3Refusal(400, 'InvalidURI', "Couldn't parse the specified URI: the path must be /<volume>/<key>, percent-encoded UTF-8.");

export const missingContentLength = () =>
  new S3Refusal(
    411,
    'MissingContentLength',
    'You must provide the Content-Length HTTP header (or x-amz-decoded-content-length with aws-chunked bodies).',
  );

/** Domain codes whose S3 rendering differs from their `s3Code`: a pending volume is not a 409 to S3 clients. */
const OVERRIDES: Record<string, { status: number; s3Code: string }> = {
  VolumeNotActive: { status: 403, s3Code: 'AccessDenied' },
};

const JWT_LIKE = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/;

/** The S3 error response for `error`; HEAD answers carry no body, as S3's do. */
export function errorResponse(error: unknown, requestId: string, log: Logger, method = 'GET'): ProxyResponse {
  const rendered = render(error, log);
  if (rendered.status === 401 || rendered.status === 403) countMetric('Denials', { Reason: rendered.code });
  const body = method === 'HEAD' ? '' : s3ErrorXml(rendered.code, rendered.message, requestId, rendered.extra);
  return {
    status: rendered.status,
    headers: {
      'content-type': 'application/xml',
      'x-amz-request-id': requestId,
      ...(method === 'HEAD' ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
    },
    body,
  };
}

interface Rendered {
  status: number;
  code: string;
  message: string;
  extra: Record<string, string>;
}

function render(error: unknown, log: Logger): Rendered {
  // The cause (an AWS SDK error, a socket's) is logged for an operator: its name, code, status, request ids.
  const cause = error instanceof Error ? causeFields(error.cause) : undefined;
  const refused = (level: 'info' | 'error', fields: { status: number; code: string; reason: string }) =>
    log[level]('request refused', { ...fields, ...(cause ? { cause } : {}) });
  if (error instanceof S3Refusal) {
    refused('info', { status: error.status, code: error.s3Code, reason: error.message });
    return { status: error.status, code: error.s3Code, message: error.message, extra: error.extra };
  }
  if (error instanceof SigV4Error) {
    refused('info', { status: error.status, code: error.code, reason: error.message });
    // What S3 adds (StringToSign, CanonicalRequest…) helps a client find its signing bug; a token never goes back out.
    const extra = Object.fromEntries(Object.entries(error.extra).filter(([, value]) => !JWT_LIKE.test(value)));
    return { status: error.status, code: error.code, message: error.message, extra };
  }
  if (error instanceof AppError) {
    const override = OVERRIDES[error.code];
    const status = override?.status ?? error.status;
    refused(status >= 500 ? 'error' : 'info', { status, code: error.code, reason: error.message });
    return { status, code: override?.s3Code ?? error.s3Code, message: error.message, extra: {} };
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  log.error('unhandled error', { errorName: name, errorMessage: message, cause: causeFields(error) });
  return {
    status: 500,
    code: 'InternalError',
    message: 'We encountered an internal error. Please try again, and quote the request id if it persists.',
    extra: {},
  };
}
