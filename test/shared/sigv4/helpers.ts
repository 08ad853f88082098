import { Readable, type Transform } from 'node:stream';
import { SigV4Error } from '../../../shared/sigv4';

/** The SigV4Error `fn` throws; fails the test when it throws nothing or something else. */
export function catchError(fn: () => unknown): SigV4Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof SigV4Error) return error;
    throw error;
  }
  throw new Error('expected a SigV4Error, nothing was thrown');
}

/** Feeds `body` through `transform` in pieces of `pieceSize` bytes; resolves with the output, rejects with its error. */
export async function runThrough(transform: Transform, body: Buffer, pieceSize = body.length || 1): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += pieceSize) pieces.push(body.subarray(i, i + pieceSize));
  const output: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    transform.on('data', (chunk: Buffer) => output.push(chunk));
    transform.on('end', () => resolve(Buffer.concat(output)));
    transform.on('error', reject);
  });
  Readable.from(pieces).pipe(transform);
  return done;
}
