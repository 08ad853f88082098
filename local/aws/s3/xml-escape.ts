/** XML text escaping, shared by the response builders and the error renderer. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes text for element content or attribute values. `\r` (which parsers would turn into `\n`) and the
 * control characters XML 1.0 cannot carry raw go out as character references, as S3 sends them.
 */
export function escapeXml(value: string): string {
  return value.replace(
    /[&<>"'\x00-\x08\x0B\x0C\x0D\x0E-\x1F\uFFFE\uFFFF]/g,
    (c) => ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`,
  );
}
