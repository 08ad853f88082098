/**
 * Response header names as S3 spells them on the wire. HTTP says names are case-insensitive, but clients exist
 * that match them verbatim: htslib (samtools, bcftools) looks for `ETag: "` in UploadPart's answer and gives up
 * the upload when it finds `etag:`. The proxy's core and the local S3 keep names lower-case inside; the code that
 * WRITES an answer spells them with `s3HeaderName`/`s3Headers`.
 *
 * S3's own spelling (its "Common Response Headers" and every "Sample Response" of the API reference):
 * - the standard HTTP headers in Title-Case, hyphen by hyphen (`Content-Length`, `Last-Modified`, `Accept-Ranges`,
 *   `Access-Control-Allow-Origin`), with the irregular ones of the table below (`ETag`, `Content-MD5`);
 * - its own `x-amz-*` names all lower-case (`x-amz-request-id`, `x-amz-id-2`, `x-amz-checksum-crc32`,
 *   `x-amz-meta-*` user metadata, whatever case it was stored with).
 * A name S3 does not send (none passes through today) follows the same rule: an `x-` name stays lower-case, as
 * S3's and the project's own extension headers are, and any other is Title-Case, as every standard header S3 sends
 * is. AWS's JSON services spell a few `x-amzn-` names in mixed case (`x-amzn-RequestId`, `x-amzn-ErrorType`); the
 * local AWS endpoint answers for them too, so they are in the table.
 */

const IRREGULAR: Record<string, string> = {
  etag: 'ETag',
  'content-md5': 'Content-MD5',
  'www-authenticate': 'WWW-Authenticate',
  'x-amzn-requestid': 'x-amzn-RequestId',
  'x-amzn-errortype': 'x-amzn-ErrorType',
};

const titleCase = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

/** S3's spelling of a header name given in any case. */
export function s3HeaderName(name: string): string {
  const lower = name.toLowerCase();
  return IRREGULAR[lower] ?? (lower.startsWith('x-') ? lower : titleCase(lower));
}

/**
 * The headers with S3's spelling of their names, ready for `writeHead`. Node writes an object's keys as they are,
 * so two spellings of one name would go out as two headers: a name given twice in different cases is sent once,
 * with the value given last.
 */
export function s3Headers<V>(headers: Readonly<Record<string, V>>): Record<string, V> {
  const spelled: Record<string, V> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    spelled[s3HeaderName(name)] = value;
  }
  return spelled;
}
