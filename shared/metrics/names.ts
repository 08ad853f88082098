/**
 * The service's metrics (namespace `VolumeGateway`), each with the dimensions it is recorded under. Every one
 * also carries `Stage`.
 *
 * | Metric                 | Unit  | Dimensions         | Counted when                                                     |
 * |------------------------|-------|--------------------|------------------------------------------------------------------|
 * | ApiRequests            | Count | Route              | an API route answered (any status)                               |
 * | ApiServerErrors        | Count | Route              | an API route answered 5xx                                        |
 * | Vends                  | Count | (Stage only)       | credentials were vended                                          |
 * | PresignedUrls          | Count | Operation          | URLs were signed (GetObject, PutObject, HeadObject, DeleteObject, UploadPart) |
 * | CredentialCacheHits    | Count | (Stage only)       | a credential came from the cache or a call already in flight     |
 * | CredentialCacheMisses  | Count | (Stage only)       | a credential needed an STS call of its own                       |
 * | StsCalls               | Count | Operation          | the STS adapter called AssumeRole / AssumeRoleWithWebIdentity    |
 * | ProxyRequests          | Count | Operation          | the S3 proxy answered (any status; `Unknown` before classifying) |
 * | ProxyBytesIn           | Bytes | Operation          | the request's declared body length (decoded for aws-chunked)     |
 * | ProxyBytesOut          | Bytes | Operation          | the response's Content-Length                                    |
 * | Denials                | Count | Reason             | a caller was refused with 401/403 (API or proxy), by error code  |
 */
export const NAMESPACE = 'VolumeGateway';

export type MetricUnit = 'Count' | 'Bytes' | 'Milliseconds';

/** The only dimensions a metric may carry: each has few values (never a subject, volume id or key). */
export const DIMENSION_NAMES = ['Stage', 'Route', 'Operation', 'Reason'] as const;
export type DimensionName = (typeof DIMENSION_NAMES)[number];
export type Dimensions = Partial<Record<DimensionName, string>>;

export const METRICS = {
  ApiRequests: 'Count',
  ApiServerErrors: 'Count',
  Vends: 'Count',
  PresignedUrls: 'Count',
  CredentialCacheHits: 'Count',
  CredentialCacheMisses: 'Count',
  StsCalls: 'Count',
  ProxyRequests: 'Count',
  ProxyBytesIn: 'Bytes',
  ProxyBytesOut: 'Bytes',
  Denials: 'Count',
} as const satisfies Record<string, MetricUnit>;

export type MetricName = keyof typeof METRICS;
