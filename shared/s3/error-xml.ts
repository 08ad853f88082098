/**
 * S3's error document, so that S3 clients show our refusals the way they show S3's own. It is well-formed
 * XML 1.0 whatever the request named (a key or bucket with control characters included), so every client
 * can read the error's code.
 */
import { escapeXmlStrict } from './xml-escape';

export function s3ErrorXml(code: string, message: string, requestId: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${escapeXmlStrict(value)}</${name}>`)
    .join('');
  return (
    `<?xml version="1.0" ` +
    `encoding="UTF-8"?>\n<Error><Code>${escapeXmlStrict(code)}</Code><Message>${escapeXmlStrict(message)}</Message>` +
    `${fields}<RequestId>${escapeXmlStrict(requestId)}</RequestId></Error>`
  );
}
