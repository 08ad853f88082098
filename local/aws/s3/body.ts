/**
 * Receiving bytes: a stream goes to a file through one pass of hashing (MD5 for the ETag, plus whichever
 * additional checksums are wanted), never held in memory. A stream that errors or ends early (the client
 * went away) leaves nothing behind: the partial file is removed and the caller gets an error.
 */
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsError } from '../types';
import { type ChecksumAlgorithm, type Checksums, createHasher, type Hasher } from './checksums';
import { entityTooLarge, incompleteBody } from './errors';
import { removeFile } from './storage/fs-util';

export interface Digests {
  size: number;
  /** Binary MD5 of the content. */
  md5: Buffer;
  /** Base64 digests of the algorithms asked for. */
  checksums: Checksums;
}

export interface ReceiveOptions {
  algorithms?: Iterable<ChecksumAlgorithm>;
  /** Bytes the client said it would send; a different count is IncompleteBody. */
  expectedSize?: number;
  /** More than this is EntityTooLarge. */
  maxSize: number;
}

class Digesting extends Transform {
  size = 0;
  private readonly md5 = createHasher('MD5');
  private readonly hashers: [ChecksumAlgorithm, Hasher][];

  constructor(
    algorithms: Iterable<ChecksumAlgorithm>,
    private readonly maxSize: number,
  ) {
    super();
    this.hashers = [...new Set(algorithms)].map((a) => [a, createHasher(a)]);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxSize) return void done(entityTooLarge(this.size, this.maxSize));
    this.md5.update(chunk);
    for (const [, hasher] of this.hashers) hasher.update(chunk);
    done(null, chunk);
  }

  async digests(): Promise<Digests> {
    const checksums: Checksums = {};
    for (const [algorithm, hasher] of this.hashers) checksums[algorithm] = (await hasher.digest()).toString('base64');
    return { size: this.size, md5: await this.md5.digest(), checksums };
  }
}

/** Streams `source` into a new file at `path` (which must not exist), hashing on the way. */
export async function receiveToFile(source: Readable, path: string, options: ReceiveOptions): Promise<Digests> {
  const digesting = new Digesting(options.algorithms ?? [], options.maxSize);
  try {
    await pipeline(source, digesting, createWriteStream(path, { flags: 'wx', flush: true }));
    if (options.expectedSize !== undefined && digesting.size !== options.expectedSize) throw incompleteBody();
    return await digesting.digests();
  } catch (error) {
    source.destroy();
    await removeFile(path);
    throw error instanceof AwsError ? error : incompleteBody();
  }
}

/** Reads a small body (an XML document) into memory, refusing more than `limit` bytes. */
export async function receiveSmall(
  source: Readable,
  limit: number,
  algorithms: Iterable<ChecksumAlgorithm> = [],
): Promise<{ body: Buffer } & Digests> {
  const digesting = new Digesting(algorithms, limit);
  const chunks: Buffer[] = [];
  try {
    await pipeline(source, digesting, async (received: AsyncIterable<Buffer>) => {
      for await (const chunk of received) chunks.push(chunk);
    });
  } catch (error) {
    source.destroy();
    if (error instanceof AwsError && error.code === 'EntityTooLarge') {
      throw new AwsError('MaxMessageLengthExceeded', 'Your request was too big.', 400);
    }
    throw error instanceof AwsError ? error : incompleteBody();
  }
  return { body: Buffer.concat(chunks), ...(await digesting.digests()) };
}

/** A stream of the files' contents one after another (CompleteMultipartUpload's concatenation). */
export function concatFiles(open: (index: number) => Readable | undefined): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; ; i++) {
        const stream = open(i);
        if (!stream) return;
        for await (const chunk of stream) yield chunk as Buffer;
      }
    })(),
    { objectMode: false },
  );
}
