/**
 * Shared shapes of the local AWS endpoint (`npm start`, port 4566).
 *
 * The endpoint authenticates every request once (SigV4, `shared/sigv4/`) and hands the service the
 * resulting {@link Caller}. Services never see secrets; they decide what the caller may do through
 * {@link Authorizer}, which evaluates IAM the way AWS does (identity policies AND session policy).
 */
import type { Readable } from 'node:stream';

/** Who signed the request, as AWS resolves an access key. */
export interface Caller {
  accountId: string;
  /** The ARN GetCallerIdentity reports: `arn:aws:iam::ACCT:root`, `…:user/NAME` or `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`. */
  arn: string;
  /** GetCallerIdentity's UserId: `AIDA…` for users, `AROA…:SESSION` for role sessions, the account id for root. */
  userId: string;
  kind: 'root' | 'user' | 'assumed-role';
  /** For role sessions: the role's ARN (`arn:aws:iam::ACCT:role/PATH/NAME`). */
  roleArn?: string;
  sessionName?: string;
  /** For role sessions: the session policy passed to AssumeRole*, as JSON text. */
  sessionPolicy?: string;
  sourceIdentity?: string;
  /** Session tags (`aws:PrincipalTag/…`). */
  tags?: Record<string, string>;
  /** True when this is a role session (so calling AssumeRole with it is role chaining). */
  isRoleSession: boolean;
  /** When the credentials expire (role sessions only). */
  expiresAt?: Date;
  /** When the session was issued (role sessions only; `aws:TokenIssueTime`). */
  issuedAt?: Date;
  /** Keys of {@link tags} that pass on to the next session in a role chain (role sessions only). */
  transitiveTagKeys?: string[];
}

/** What the access-key store knows about one access key id. */
export interface AccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials carry a session token that must accompany every request. */
  sessionToken?: string;
  expiresAt?: Date;
  caller: Caller;
}

export interface CredentialStore {
  lookup(accessKeyId: string): AccessKeyRecord | undefined;
}

/** The condition context of one request: `aws:SourceIp`, `s3:prefix`, `sts:ExternalId`, … Keys compare case-insensitively. */
export type ConditionContext = Record<string, string | string[] | undefined>;

export interface AuthorizationDecision {
  allowed: boolean;
  /** Why, in words an operator can act on ("no identity policy allows s3:PutObject on …", "explicit deny in session policy"). */
  reason: string;
  /** True when a policy explicitly denied the request (not merely nothing allowed it); AWS words the two differently. */
  explicitDeny?: boolean;
}

/** Evaluates IAM for a caller in its own account: identity policies AND (for sessions) the session policy. */
export type Authorizer = (caller: Caller, action: string, resource: string, context?: ConditionContext) => AuthorizationDecision;

/** One request, after authentication, as a service sees it. */
export interface AwsRequest {
  requestId: string;
  method: string;
  /** The path exactly as received, still percent-encoded. */
  rawPath: string;
  /** The query string exactly as received, without `?`. */
  rawQuery: string;
  /** Lower-case header names; repeated headers joined with `,`. */
  headers: Record<string, string>;
  /** Request body. For S3 it is a stream with any aws-chunked framing already removed and verified. */
  body: Readable;
  /**
   * The trailer of an aws-chunked body, e.g. `{ 'x-amz-checksum-crc32': 'i9aeUg==' }` (names lower-case,
   * values as sent). A trailer follows the last chunk, so this settles only after `body` has ended; the
   * service awaits it after consuming the body, checks the `x-amz-checksum-*` values against the bytes (as
   * it checks the same headers) and stores them. Omitted when the body has no trailer. Optional, so
   * requests built without it stay valid.
   */
  checksums?: Promise<Record<string, string>>;
  /** Null for an anonymous request. */
  caller: Caller | null;
  region: string;
}

export interface AwsResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
}

/** An AWS error as a service raises it; each protocol renders it its own way (S3 XML, Query XML, JSON). */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra fields S3 puts inside `<Error>` (`Key`, `BucketName`, `Resource`…). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AwsError';
  }
}
