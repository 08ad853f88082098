/**
 * Reads the SigV4 authentication a request carries, in either of its two forms: the `Authorization` header, or
 * the presigned query (`X-Amz-Algorithm`, `X-Amz-Credential`, …). Nothing here checks the signature; this only
 * says who claims to have signed what, or why the claim is malformed, in the words S3 uses.
 */
import { decodeComponent, splitQuery } from './encoding';
import { SigV4Error } from './errors';
import { assertPayloadHashValue, UNSIGNED_PAYLOAD } from './payload-hash';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The longest a presigned URL may live: seven days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

/** One request exactly as received. */
export interface SigV4Request {
  method: string;
  /** Still percent-encoded, as on the request line. */
  rawPath: string;
  /** Without the leading `?`. */
  rawQuery: string;
  /** Lower-case names; a repeated header's values joined with `,`. */
  headers: Record<string, string>;
}

export interface ParsedSigV4 {
  form: 'header' | 'query';
  accessKeyId: string;
  /** `YYYYMMDD`, from the credential scope. */
  date: string;
  region: string;
  service: string;
  /** `date/region/service/aws4_request`. */
  scope: string;
  signedHeaders: string[];
  signature: string;
  /** The signing time, `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
  /** Query form only: `X-Amz-Expires`. */
  expiresSeconds?: number;
  sessionToken?: string;
  /** What the canonical request ends with; undefined means "the SHA-256 of the body" (non-S3 services). */
  payloadHash?: string;
}

const QUERY_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];
const UNSUPPORTED_MECHANISM = 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';

export function isS3Service(service: string): boolean {
  return service === 's3' || service === 's3-object-lambda';
}

/** The instant an `X-Amz-Date` value names, or undefined unless it is a real `YYYYMMDDTHHMMSSZ` time. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const roundTrips = date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  return roundTrips ? date : undefined;
}

function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * The SigV4 authentication `req` carries: null when it carries none (an anonymous request), the parsed claim
 * otherwise. Throws {@link SigV4Error} when the claim is malformed or uses a mechanism we do not support.
 */
export function parseSigV4(req: SigV4Request): ParsedSigV4 | null {
  const authorization = req.headers.authorization;
  const query = queryParams(req.rawQuery);
  const queryV4 = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some((name) => query.has(name));
  const queryV2 = query.has('AWSAccessKeyId') && query.has('Signature');
  if (authorization !== undefined && (queryV4 || queryV2)) {
    throw new SigV4Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the ' +
        'Authorization header should be specified',
      { ArgumentName: 'Authorization' },
    );
  }
  if (authorization !== undefined) return parseHeaderForm(req, authorization);
  if (queryV4) return parseQueryForm(req, query);
  if (queryV2) throw new SigV4Error('InvalidRequest', UNSUPPORTED_MECHANISM);
  return null;
}

function queryParams(rawQuery: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const [name, value] of splitQuery(rawQuery)) {
    const key = decodeComponent(name);
    params.set(key, [...(params.get(key) ?? []), decodeComponent(value)]);
  }
  return params;
}

function parseHeaderForm(req: SigV4Request, authorization: string): ParsedSigV4 {
  const malformed = (why: string) => new SigV4Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${why}`);
  const trimmed = authorization.trim();
  const space = trimmed.search(/\s/);
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  if (scheme === '') throw malformed('it is empty.');
  if (scheme === 'AWS') throw new SigV4Error('InvalidRequest', UNSUPPORTED_MECHANISM);
  if (scheme !== ALGORITHM) {
    if (scheme.startsWith('AWS4-')) throw malformed(`the algorithm "${scheme}" is not supported; use ${ALGORITHM}.`);
    throw new SigV4Error(
      'InvalidArgument',
      `Unsupported Authorization Type "${scheme}": sign requests with AWS Signature Version 4 (${ALGORITHM}), for example with an S3 ` +
        `client.`,
      { ArgumentName: 'Authorization', ArgumentValue: scheme },
    );
  }

  const components = new Map<string, string>();
  for (const part of trimmed.slice(scheme.length).split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (eq < 0 || !['Credential', 'SignedHeaders', 'Signature'].includes(key)) throw malformed(`unexpected component "${part.trim()}".`);
    if (components.has(key)) throw malformed(`${key} appears twice.`);
    components.set(key, part.slice(eq + 1).trim());
  }
  const credential = components.get('Credential');
  const signedHeaders = components.get('SignedHeaders');
  const signature = components.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw malformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }

  const scope = parseCredential(credential, () => malformed(CREDENTIAL_SHAPE));
  const amzDate = headerDate(req.headers);
  const parsed: ParsedSigV4 = {
    form: 'header',
    ...scope,
    signedHeaders: parseSignedHeaders(signedHeaders, () => malformed(SIGNED_HEADERS_SHAPE)),
    signature,
    amzDate,
    sessionToken: req.headers['x-amz-security-token'],
    payloadHash: req.headers['x-amz-content-sha256'],
  };
  checkCoherence(parsed);
  if (isS3Service(parsed.service)) checkS3PayloadHeader(parsed);
  checkHeadersSigned(req, parsed);
  return parsed;
}

/**
 * The two rules that tie a claim together: the credential scope is dated the day of X-Amz-Date, and `host` is
 * signed. Throws in the words of the form the claim came in.
 */
export function checkCoherence(parsed: ParsedSigV4): void {
  const header = parsed.form === 'header';
  const fail = (why: string) =>
    header
      ? new SigV4Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${why}`)
      : new SigV4Error('AuthorizationQueryParametersError', why);
  const day = parsed.amzDate.slice(0, 8);
  if (parsed.date !== day) throw fail(`Invalid credential date "${parsed.date}". This date is not the same as X-Amz-Date: "${day}".`);
  if (!parsed.signedHeaders.includes('host')) throw fail(`${header ? 'SignedHeaders' : 'X-Amz-SignedHeaders'} must include host.`);
}

/**
 * S3 refuses a request that carries an `x-amz-*` header its signature does not cover: 403 AccessDenied, "There
 * were headers present in the request which were not signed", the names in `<HeadersNotSigned>` (as S3 answers,
 * e.g. github.com/badslug/Paw-AWSSignature4DynamicValue/issues/4, bradleyg/django-s3direct#249), presigned and
 * header-signed alike. Else a presigned PUT plus an added `x-amz-copy-source` becomes a copy of anything the
 * signer may read, and `x-amz-acl` or `x-amz-meta-*` ride along. No client is refused for it: the signers sign
 * every `x-amz-*` header they send (@smithy/signature-v4 leaves unsigned only its ALWAYS_UNSIGNABLE_HEADERS,
 * none of them `x-amz-*`, so `x-amz-user-agent` is signed; botocore only `expect`, `user-agent` and
 * `x-amzn-trace-id`), and presigners hoist `x-amz-*` headers into the query (the S3 presigner keeps only the
 * SSE ones as signed headers). `x-amzn-*` is another prefix and stays free.
 *
 * One header is let through unsigned, in the query form only: `x-amz-content-sha256`. Its value is the last line
 * of the canonical request, so the signature covers it all the same (a changed value no longer verifies), and S3
 * tolerates it unsigned (github.com/demarche-numerique/ds_proxy/pull/164). In the header form S3 requires it
 * signed ({@link checkS3PayloadHeader}). Other services (the local STS, IAM, DynamoDB) make no such check.
 */
export function checkHeadersSigned(req: SigV4Request, parsed: ParsedSigV4): void {
  if (!isS3Service(parsed.service)) return;
  const signed = new Set(parsed.signedHeaders);
  const exempt = (name: string) => parsed.form === 'query' && name === 'x-amz-content-sha256';
  const unsigned = Object.keys(req.headers).filter((name) => name.startsWith('x-amz-') && !signed.has(name) && !exempt(name));
  if (unsigned.length === 0) return;
  throw new SigV4Error('AccessDenied', 'There were headers present in the request which were not signed', {
    HeadersNotSigned: unsigned.sort().join(', '),
  });
}

function checkS3PayloadHeader(parsed: ParsedSigV4): void {
  if (parsed.payloadHash === undefined) {
    throw new SigV4Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  if (!parsed.signedHeaders.includes('x-amz-content-sha256')) {
    throw new SigV4Error('InvalidRequest', "header 'x-amz-content-sha256' must be included in signature");
  }
  assertPayloadHashValue(parsed.payloadHash);
}

function headerDate(headers: Record<string, string>): string {
  const amzDate = headers['x-amz-date'];
  if (amzDate !== undefined) {
    if (parseAmzDate(amzDate.trim())) return amzDate.trim();
  } else if (headers.date !== undefined) {
    const millis = Date.parse(headers.date);
    if (Number.isFinite(millis)) return formatAmzDate(new Date(millis));
  }
  throw new SigV4Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
}

function parseQueryForm(req: SigV4Request, query: Map<string, string[]>): ParsedSigV4 {
  const fail = (message: string) => new SigV4Error('AuthorizationQueryParametersError', message);
  const single = (name: string): string | undefined => {
    const values = query.get(name);
    if (values && values.length > 1) throw fail(`${name} must appear only once in the query string.`);
    return values?.[0];
  };
  const [algorithm, credential, signature, amzDate, signedHeaders, expires] = QUERY_PARAMS.map(single);
  if (
    algorithm === undefined ||
    credential === undefined ||
    signature === undefined ||
    amzDate === undefined ||
    signedHeaders === undefined ||
    expires === undefined
  ) {
    throw fail(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, ' +
        'X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== ALGORITHM) throw fail(`X-Amz-Algorithm only supports "${ALGORITHM}"; got "${algorithm}".`);
  const scope = parseCredential(credential, () => fail(`Error parsing the X-Amz-Credential parameter; ${CREDENTIAL_SHAPE}`));
  if (!parseAmzDate(amzDate)) throw fail(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"; got "${amzDate}".`);
  const parsed: ParsedSigV4 = {
    form: 'query',
    ...scope,
    signedHeaders: parseSignedHeaders(signedHeaders, () => fail(`X-Amz-SignedHeaders is malformed; ${SIGNED_HEADERS_SHAPE}`)),
    signature,
    amzDate,
    expiresSeconds: parseExpires(expires, fail),
    sessionToken: single('X-Amz-Security-Token'),
    payloadHash: req.headers['x-amz-content-sha256'] ?? single('X-Amz-Content-Sha256'),
  };
  checkCoherence(parsed);
  if (isS3Service(parsed.service)) {
    parsed.payloadHash ??= UNSIGNED_PAYLOAD;
    assertPayloadHashValue(parsed.payloadHash);
  }
  checkHeadersSigned(req, parsed);
  return parsed;
}

function parseExpires(value: string, fail: (message: string) => SigV4Error): number {
  if (!/^-?\d+$/.test(value)) throw fail(`X-Amz-Expires should be a number; got "${value}".`);
  const seconds = Number(value);
  if (seconds < 0) throw fail('X-Amz-Expires must be non-negative');
  if (seconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw fail(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRES_SECONDS}; got ${value}.`);
  }
  return seconds;
}

const CREDENTIAL_SHAPE = 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';
const SIGNED_HEADERS_SHAPE = 'expecting lower-case header names separated by ";", such as "host;x-amz-date".';

function parseCredential(value: string, fail: () => SigV4Error) {
  const parts = value.split('/');
  if (parts.length !== 5) throw fail();
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (accessKeyId === '' || !/^\d{8}$/.test(date) || region === '' || service === '' || terminator !== 'aws4_request') throw fail();
  return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/aws4_request` };
}

function parseSignedHeaders(value: string, fail: () => SigV4Error): string[] {
  const names = value.split(';');
  if (names.some((name) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name))) throw fail();
  return names;
}
