/**
 * Every error the service raises on purpose. Each carries the HTTP status, a stable API `code`
 * (JSON responses) and the S3 error code the proxy answers with (S3 XML responses).
 * One place renders them: `shared/http/error-mapper.ts` (API) and the proxy's XML renderer.
 * Anything that is not an {@link AppError} is a bug: it becomes a 500 with no detail, and is logged.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly s3Code: string,
    /** Safe, user-facing extras (e.g. the offending field). Never secrets. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request itself is wrong; `field` names what to fix. */
export class ValidationFailed extends AppError {
  constructor(message: string, field?: string, code = 'ValidationFailed') {
    super(400, code, message, 'InvalidArgument', field ? { field } : undefined);
  }
}

/** 401: no usable identity. `code` says which check failed (TokenExpired, WrongAudience, …). */
export class Unauthenticated extends AppError {
  constructor(code: string, message: string) {
    super(401, code, message, 'AccessDenied');
  }
}

/** 403: the caller is known but may not do this. */
export class Forbidden extends AppError {
  constructor(message: string, code = 'Forbidden') {
    super(403, code, message, 'AccessDenied');
  }
}

/** 404: absent, or not visible to this caller (we never say which). */
export class NotFound extends AppError {
  constructor(message: string, code = 'NotFound', s3Code = 'NoSuchKey') {
    super(404, code, message, s3Code);
  }
}

export class Conflict extends AppError {
  constructor(message: string, code = 'Conflict') {
    super(409, code, message, 'OperationAborted');
  }
}

export class PayloadTooLarge extends AppError {
  constructor(message: string) {
    super(413, 'PayloadTooLarge', message, 'EntityTooLarge');
  }
}

/** 503: a dependency we need (the identity provider's JWKS, STS, DynamoDB) did not answer. */
export class DependencyUnavailable extends AppError {
  constructor(message: string, code = 'DependencyUnavailable') {
    super(503, code, message, 'ServiceUnavailable');
  }
}

/**
 * 500: a dependency refused the service's own request (a permission of its role, a table or key that is
 * missing, credentials it does not accept): the deployment is misconfigured, retrying will not mend it, and an
 * operator must look. The renderers log the AWS error of `cause` (name, code, status, request ids).
 */
export class DependencyMisconfigured extends AppError {
  constructor(message: string, code = 'DependencyMisconfigured') {
    super(500, code, message, 'InternalError');
  }
}

/** What an operator needs of an error's cause (an AWS SDK error, or any error), as a log field: never secrets. */
export interface CauseFields {
  name?: string;
  /** The service's error code (`AccessDeniedException`, `NoSuchBucket`, …). */
  code?: string;
  /** The HTTP status the service answered with; absent when no answer came. */
  status?: number;
  /** AWS's request ids, to quote to AWS support or find in CloudTrail. */
  requestId?: string;
  extendedRequestId?: string;
  cfId?: string;
  /** The cause's message, cut to 500 characters (the logger masks secret-shaped text). */
  message?: string;
}

/** The name, code, status and AWS request ids of `cause` (an error the SDK threw), for the renderers' log lines. */
export function causeFields(cause: unknown): CauseFields | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined;
  const e = cause as { name?: unknown; Code?: unknown; code?: unknown; message?: unknown; $metadata?: Record<string, unknown> };
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const meta = e.$metadata ?? {};
  const fields: CauseFields = {
    name: text(e.name),
    code: text(e.Code) ?? text(e.code) ?? text(e.name),
    status: typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined,
    requestId: text(meta.requestId),
    extendedRequestId: text(meta.extendedRequestId),
    cfId: text(meta.cfId),
    message: text(e.message)?.slice(0, 500),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as CauseFields;
}

export class NotImplemented extends AppError {
  constructor(message: string) {
    super(501, 'NotImplemented', message, 'NotImplemented');
  }
}
