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

export class NotImplemented extends AppError {
  constructor(message: string) {
    super(501, 'NotImplemented', message, 'NotImplemented');
  }
}
