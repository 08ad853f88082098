/**
 * The one hierarchy of errors the project raises on purpose: a stable `code`, and the standard ES2022 `cause`
 * (`new X(…, { cause })`) holding what went wrong underneath (an AWS SDK error), which the renderers log
 * ({@link causeFields}) and never answer. Its branches: {@link AppError} (rendered as is, with an HTTP status;
 * `SigV4Error` is one) and the ports' refusals (`AssumeRoleRefused`, `S3AccessDenied`), which the domain
 * translates into an AppError and which, should one escape, are a 500 like any bug.
 */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Every error the service answers with on purpose. Each carries the HTTP status, a stable API `code`
 * (JSON responses) and the S3 error code the proxy answers with (S3 XML responses).
 * One place renders them: `shared/http/error-mapper.ts` (API) and the proxy's XML renderer.
 * Anything that is not an {@link AppError} is a bug: it becomes a 500 with no detail, and is logged.
 */
export class AppError extends GatewayError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly s3Code: string,
    /** Safe, user-facing extras (e.g. the offending field). Never secrets. */
    readonly details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** 400: the request itself is wrong; `field` names what to fix. */
export class ValidationFailed extends AppError {
  constructor(message: string, field?: string, code = 'ValidationFailed', options?: ErrorOptions) {
    super(400, code, message, 'InvalidArgument', field ? { field } : undefined, options);
  }
}

/** 401: no usable identity. `code` says which check failed (TokenExpired, WrongAudience, …). */
export class Unauthenticated extends AppError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(401, code, message, 'AccessDenied', undefined, options);
  }
}

/** 403: the caller is known but may not do this. */
export class Forbidden extends AppError {
  constructor(message: string, code = 'Forbidden', options?: ErrorOptions) {
    super(403, code, message, 'AccessDenied', undefined, options);
  }
}

/** 404: absent, or not visible to this caller (we never say which). */
export class NotFound extends AppError {
  constructor(message: string, code = 'NotFound', s3Code = 'NoSuchKey', options?: ErrorOptions) {
    super(404, code, message, s3Code, undefined, options);
  }
}

export class Conflict extends AppError {
  constructor(message: string, code = 'Conflict', options?: ErrorOptions) {
    super(409, code, message, 'OperationAborted', undefined, options);
  }
}

export class PayloadTooLarge extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super(413, 'PayloadTooLarge', message, 'EntityTooLarge', undefined, options);
  }
}

/** 503: a dependency we need (the identity provider's JWKS, STS, DynamoDB) did not answer. */
export class DependencyUnavailable extends AppError {
  constructor(message: string, code = 'DependencyUnavailable', options?: ErrorOptions) {
    super(503, code, message, 'ServiceUnavailable', undefined, options);
  }
}

/**
 * 500: a dependency refused the service's own request (a permission of its role, a table or key that is
 * missing, credentials it does not accept): the deployment is misconfigured, retrying will not mend it, and an
 * operator must look. The renderers log the AWS error of `cause` (name, code, status, request ids).
 */
export class DependencyMisconfigured extends AppError {
  constructor(message: string, code = 'DependencyMisconfigured', options?: ErrorOptions) {
    super(500, code, message, 'InternalError', undefined, options);
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
  /** Its own cause, when it wraps one (a port's refusal wrapping the SDK error): up to three levels. */
  cause?: CauseFields;
}

/**
 * The name, code, status and AWS request ids of `cause` (an error the SDK threw), for the renderers' log lines;
 * a cause that wraps another (an `AssumeRoleRefused` over STS's error) carries that one's as its `cause`.
 */
export function causeFields(cause: unknown, depth = 0): CauseFields | undefined {
  if (typeof cause !== 'object' || cause === null || depth > 2) return undefined;
  type Thrown = { name?: unknown; Code?: unknown; code?: unknown; message?: unknown; cause?: unknown; $metadata?: Record<string, unknown> };
  const e = cause as Thrown;
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
    cause: causeFields(e.cause, depth + 1),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as CauseFields;
}

export class NotImplemented extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super(501, 'NotImplemented', message, 'NotImplemented', undefined, options);
  }
}
