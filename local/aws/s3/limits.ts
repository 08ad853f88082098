/** S3's size limits and the request parameters every write shares. */
import { AwsError } from '../types';
import { entityTooLarge, invalidPartNumber } from './errors';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
/** Largest single PUT, part, or copy source. */
export const MAX_SINGLE_UPLOAD = 5 * GiB;
/** Largest object (multipart). */
export const MAX_OBJECT = 5 * 1024 * GiB;
/** Smallest part other than the last. */
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_NUMBER = 10000;

const STORAGE_CLASSES = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
]);

/** Any storage class S3 knows is accepted (and everything is kept, and reported, as STANDARD). */
export function validateStorageClass(headers: Record<string, string>): void {
  const value = headers['x-amz-storage-class'];
  if (value !== undefined && !STORAGE_CLASSES.has(value)) {
    throw new AwsError('InvalidStorageClass', 'The storage class you specified is not valid', 400, { StorageClassRequested: value });
  }
}

const integer = (value: string | undefined) => (value !== undefined && /^\d{1,16}$/.test(value.trim()) ? Number(value) : undefined);

/**
 * How many body bytes the client announced: `x-amz-decoded-content-length` for aws-chunked bodies (whose
 * Content-Length counts the framing), else Content-Length. Larger than `max` is EntityTooLarge up front.
 */
export function expectedBodySize(headers: Record<string, string>, max: number): number | undefined {
  const decoded = integer(headers['x-amz-decoded-content-length']);
  const chunked =
    (headers['content-encoding'] ?? '').toLowerCase().includes('aws-chunked') ||
    (headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  const size = decoded ?? (chunked ? undefined : integer(headers['content-length']));
  if (size !== undefined && size > max) throw entityTooLarge(size, max);
  return size;
}

/** A `partNumber` query parameter: an integer from 1 to 10000. */
export function parsePartNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = integer(value);
  if (n === undefined || n < 1 || n > MAX_PART_NUMBER) throw invalidPartNumber();
  return n;
}
