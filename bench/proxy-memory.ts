/**
 * The Node front's memory while 1 GiB streams through it, each way in one request: a PutObject whose body is
 * generated on the fly (never on disk, never whole in memory; the SDK sends it aws-chunked with a CRC32 trailer,
 * which the proxy de-chunks and checks), then a GetObject of it. The front runs in its own process; what is
 * reported is its RSS just before (after a warm-up) and its peak during each transfer, read from /proc. The
 * bytes are checked: SHA-256 of what was generated against SHA-256 of what came back.
 */

import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { NodeFrontProcess } from './proxy-front';

const MiB = 1024 * 1024;

export interface StreamPhase {
  seconds: number;
  mbPerSecond: number;
  /** RSS when the transfer started. */
  rssBeforeBytes: number;
  peakRssBytes: number;
  /** Peak − the warm baseline (RSS before the first transfer). */
  addedBytes: number;
  /** The largest RSS seen by sampling every 20 ms (a cross-check of the kernel's peak). */
  sampledPeakBytes: number;
}

export interface MemoryResult {
  bytes: number;
  /** RSS of the warm front before any transfer. */
  baselineRssBytes: number;
  /** Whether the kernel's peak could be reset before each phase (else it spans the process's life). */
  peakResetWorked: boolean;
  upload: StreamPhase;
  download: StreamPhase;
}

/** `total` bytes in 1 MiB chunks: one random block, each copy stamped with its index, hashed as it goes. */
function generated(total: number, hash: ReturnType<typeof createHash>): Readable {
  const block = randomBytes(MiB);
  return Readable.from(
    (function* () {
      for (let sent = 0, index = 0; sent < total; sent += MiB, index++) {
        const chunk = Buffer.from(block.subarray(0, Math.min(MiB, total - sent)));
        chunk.writeUInt32BE(index, 0);
        hash.update(chunk);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}

async function phase(
  front: NodeFrontProcess,
  bytes: number,
  baseline: number,
  resetWorked: boolean,
  transfer: () => Promise<void>,
): Promise<StreamPhase> {
  const rssBeforeBytes = front.rssBytes();
  if (resetWorked) front.resetPeak();
  let sampledPeakBytes = rssBeforeBytes;
  const sampler = setInterval(() => (sampledPeakBytes = Math.max(sampledPeakBytes, front.rssBytes())), 20);
  const start = performance.now();
  try {
    await transfer();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - start) / 1000;
  const peakRssBytes = Math.max(front.peakBytes(), sampledPeakBytes);
  return {
    seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    rssBeforeBytes,
    peakRssBytes,
    addedBytes: peakRssBytes - baseline,
    sampledPeakBytes,
  };
}

export async function benchMemory(
  front: NodeFrontProcess,
  client: S3Client,
  target: { bucket: string; key: string },
  bytes: number,
): Promise<MemoryResult> {
  // Settle: what the front holds once it has served its first requests (modules, clients, caches).
  await new Promise((r) => setTimeout(r, 1000));
  const peakResetWorked = front.resetPeak();
  const baselineRssBytes = front.rssBytes();

  const sent = createHash('sha256');
  const upload = await phase(front, bytes, baselineRssBytes, peakResetWorked, async () => {
    await client.send(new PutObjectCommand({ Bucket: target.bucket, Key: target.key, Body: generated(bytes, sent), ContentLength: bytes }));
  });

  const received = createHash('sha256');
  let count = 0;
  const download = await phase(front, bytes, baselineRssBytes, peakResetWorked, async () => {
    const got = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: target.key }));
    for await (const chunk of got.Body as Readable) {
      count += (chunk as Buffer).length;
      received.update(chunk as Buffer);
    }
  });
  if (count !== bytes || received.digest('hex') !== sent.digest('hex')) throw new Error(`the 1 GiB came back different (${count} bytes)`);
  await client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key }));
  return { bytes, baselineRssBytes, peakResetWorked, upload, download };
}
