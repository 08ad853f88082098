/**
 * The Range header of a GET, as S3 reads it: one range of `bytes=a-b`, `bytes=a-` or `bytes=-n` (the last n).
 * A range starting at or past the end (or asking for the last 0 bytes) is 416 InvalidRange; anything S3 does
 * not understand (several ranges, other units, b < a) is ignored and the whole object is sent.
 */
import { invalidRange } from './errors';

/** Inclusive byte offsets. */
export interface ByteRange {
  start: number;
  end: number;
}

export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw invalidRange(header, size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw invalidRange(header, size);
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** `x-amz-copy-source-range`: must be `bytes=a-b` inside the source. */
export function parseCopySourceRange(header: string, size: number): ByteRange | Error {
  const match = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || end < start || end >= size) return new Error(`Range specified is not valid for source object of size: ${size}`);
  return { start, end };
}
