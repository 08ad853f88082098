/**
 * Percent-encoding as SigV4 defines it (RFC 3986): the unreserved characters `A-Za-z0-9-._~` stay, every other
 * byte of the UTF-8 form becomes `%XX` with upper-case hex. Decoding works on bytes and is lenient: a `%` not
 * followed by two hex digits is kept as a literal `%`, as S3 does, so no request makes the decoder throw.
 */

const HEX = '0123456789ABCDEF';

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

/** Encodes every byte outside the unreserved set; with `keepSlash`, `/` stays too (for paths). */
export function uriEncode(input: string | Uint8Array, keepSlash = false): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '';
  for (const byte of bytes) {
    if (isUnreserved(byte) || (keepSlash && byte === 0x2f)) out += String.fromCharCode(byte);
    else out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** The bytes a percent-encoded string stands for. `+` is a literal plus, never a space. */
export function percentDecode(text: string): Buffer {
  if (!text.includes('%')) return Buffer.from(text, 'utf8');
  const raw = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(raw.length);
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x25 && i + 2 < raw.length) {
      const high = hexValue(raw[i + 1]!);
      const low = hexValue(raw[i + 2]!);
      if (high >= 0 && low >= 0) {
        out[length++] = (high << 4) | low;
        i += 2;
        continue;
      }
    }
    out[length++] = byte;
  }
  return out.subarray(0, length);
}

/** Decoded text of one percent-encoded component (query name or value, path segment). */
export function decodeComponent(text: string): string {
  return percentDecode(text).toString('utf8');
}

/** Decodes, then encodes once: the canonical form of a component however the client chose to encode it. */
export function reencode(text: string): string {
  return uriEncode(percentDecode(text));
}

/** Splits a raw query string (without `?`) into raw, still-encoded `[name, value]` pairs; `a` gives `['a', '']`. */
export function splitQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  return pairs;
}
