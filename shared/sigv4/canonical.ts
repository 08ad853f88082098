/**
 * The canonical request and the string to sign, rebuilt from the request exactly as received.
 *
 * S3 signs the path as is: never normalised, encoded once (a key `a//b/../c` stays that key). Every other
 * service signs the normalised path encoded twice: the path on the wire is already encoded once, and the
 * signer encodes it again, as AWS's SigV4 test suite expects.
 */
import { createHash } from 'node:crypto';
import { percentDecode, reencode, splitQuery, uriEncode } from './encoding';
import { ALGORITHM, isS3Service, type ParsedSigV4, type SigV4Request } from './parse';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalPath(rawPath: string, service: string): string {
  const path = rawPath === '' ? '/' : rawPath;
  if (isS3Service(service)) {
    return path
      .split('/')
      .map((segment) => uriEncode(percentDecode(segment)))
      .join('/');
  }
  return uriEncode(normalisePath(path), true);
}

/** Removes `.` and `..` segments and empty segments (`//`), keeping a leading and a trailing `/`. */
function normalisePath(path: string): string {
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(segment);
  }
  const trailing = kept.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${kept.join('/')}${trailing}`;
}

/** Names and values decoded, encoded once, sorted by name then value; `exclude` drops a parameter (`X-Amz-Signature`). */
export function canonicalQuery(rawQuery: string, exclude?: string): string {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of splitQuery(rawQuery)) {
    const encodedName = reencode(name);
    if (exclude !== undefined && encodedName === exclude) continue;
    pairs.push([encodedName, reencode(value)]);
  }
  pairs.sort(([aName, aValue], [bName, bValue]) => compare(aName, bName) || compare(aValue, bValue));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Canonical form of a header value, SigV4's "trimall" as @smithy/signature-v4 computes it: CR and LF become
 * spaces, runs of spaces and tabs one space, and the value loses its leading and trailing space. Nothing else is
 * whitespace here: a no-break space (U+00A0, byte 0xA0 of a Latin-1 header) is signed as itself, so `a b` and
 * `a\u00a0b` are different values.
 */
export function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** `name:value\n` for each signed header, sorted by name. A signed header the request lacks counts as empty. */
export function canonicalHeaders(headers: Record<string, string>, signedHeaders: readonly string[]): string {
  return [...signedHeaders]
    .sort()
    .map((name) => `${name}:${canonicalHeaderValue(headers[name] ?? '')}\n`)
    .join('');
}

export function canonicalRequest(req: SigV4Request, parsed: ParsedSigV4, payloadHash: string): string {
  const signed = [...parsed.signedHeaders].sort();
  return [
    req.method.toUpperCase(),
    canonicalPath(req.rawPath, parsed.service),
    canonicalQuery(req.rawQuery, parsed.form === 'query' ? 'X-Amz-Signature' : undefined),
    canonicalHeaders(req.headers, signed),
    signed.join(';'),
    payloadHash,
  ].join('\n');
}

export function stringToSign(parsed: Pick<ParsedSigV4, 'amzDate' | 'scope'>, canonical: string): string {
  return [ALGORITHM, parsed.amzDate, parsed.scope, sha256Hex(canonical)].join('\n');
}

/**
 * Headers as SigV4 reads them from Node's `rawHeaders` (`[name, value, name, value…]`): lower-case names,
 * a repeated header's values joined with `,` (Node's own `headers` joins some with `, ` and drops others).
 */
export function headersFromRaw(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!.trim();
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value;
  }
  return headers;
}
