/**
 * Uploads one file into a volume from the browser, straight to S3: below {@link MULTIPART_FROM} one presigned PUT;
 * from there a multipart upload (`POST /volumes/{id}/uploads`, more part URLs from `…/parts` as needed, `…/complete`
 * with every part's ETag) in {@link PART_SIZE} parts, {@link CONCURRENCY} at a time, each failed part tried again
 * (three attempts in all, with a growing pause); an upload that still fails is aborted (`…/abort`) so S3 frees its parts.
 */
import { api, segment } from '../api';
import type { PartUrls, PresignedUrl, StartedUpload } from '../types';
import { putBytes, S3TransferError } from './transfer';

const MiB = 1024 * 1024;
/** Files from this size go in parts (issue 15: a single PUT below 8 MiB). */
export const MULTIPART_FROM = 8 * MiB;
/** Every part but the last; S3 wants at least 5 MiB. */
export const PART_SIZE = 8 * MiB;
export const CONCURRENCY = 2;
export const ATTEMPTS = 3;
const PAUSES_MS = [400, 1200];

export interface Progress {
  loaded: number;
  total: number;
  /** Multipart only. */
  parts?: { done: number; total: number };
}

export interface UploadOptions {
  volumeId: string;
  key: string;
  file: File;
  onProgress: (progress: Progress) => void;
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function uploadFile(options: UploadOptions): Promise<void> {
  if (options.file.size < MULTIPART_FROM) return uploadWhole(options);
  return uploadInParts(options);
}

async function uploadWhole({ volumeId, key, file, onProgress, signal }: UploadOptions): Promise<void> {
  const presigned = await api.post<PresignedUrl>(`/volumes/${segment(volumeId)}/presign`, {
    key,
    method: 'PUT',
    ...(file.type ? { contentType: file.type } : {}),
  });
  onProgress({ loaded: 0, total: file.size });
  await putBytes(presigned.url, file, {
    headers: presigned.headers,
    onProgress: (loaded) => onProgress({ loaded, total: file.size }),
    ...(signal ? { signal } : {}),
  });
}

async function uploadInParts({ volumeId, key, file, onProgress, signal }: UploadOptions): Promise<void> {
  const base = `/volumes/${segment(volumeId)}/uploads`;
  const count = Math.ceil(file.size / PART_SIZE);
  const started = await api.post<StartedUpload>(base, { key, parts: count, ...(file.type ? { contentType: file.type } : {}) });
  const uploads = `${base}/${segment(started.uploadId)}`;
  const urls = new Map(started.parts.map((part) => [part.partNumber, part.url]));
  const loaded = new Array<number>(count).fill(0);
  const etags = new Map<number, string>();
  const report = () =>
    onProgress({ loaded: loaded.reduce((a, b) => a + b, 0), total: file.size, parts: { done: etags.size, total: count } });

  /** The part's URL, asking for the next page of URLs when this one is not signed yet. */
  const urlOf = async (partNumber: number): Promise<string> => {
    const known = urls.get(partNumber);
    if (known) return known;
    const more = await api.post<PartUrls>(`${uploads}/parts`, { key, from: partNumber, count: count - partNumber + 1 });
    for (const part of more.parts) urls.set(part.partNumber, part.url);
    const url = urls.get(partNumber);
    if (!url) throw new Error(`The service signed no URL for part ${partNumber}; try again.`);
    return url;
  };

  const sendPart = async (partNumber: number) => {
    const start = (partNumber - 1) * PART_SIZE;
    const body = file.slice(start, Math.min(start + PART_SIZE, file.size));
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { etag } = await putBytes(await urlOf(partNumber), body, {
          onProgress: (bytes) => {
            loaded[partNumber - 1] = bytes;
            report();
          },
          ...(signal ? { signal } : {}),
        });
        if (!etag) {
          throw new S3TransferError(
            "S3 stored the part but the browser may not read its ETag: the bucket's CORS rule needs ExposeHeaders ETag (see the " +
              "volume's setup).",
            200,
          );
        }
        etags.set(partNumber, etag);
        report();
        return;
      } catch (error) {
        loaded[partNumber - 1] = 0;
        report();
        const retryable = !(error instanceof S3TransferError && error.status === 200) && !signal?.aborted;
        if (!retryable || attempt >= ATTEMPTS) throw error;
        await sleep(PAUSES_MS[attempt - 1] ?? 2000);
      }
    }
  };

  try {
    report();
    let next = 1;
    let failed: unknown;
    const worker = async () => {
      while (failed === undefined && next <= count) {
        const partNumber = next++;
        try {
          await sendPart(partNumber);
        } catch (error) {
          failed ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
    if (failed !== undefined) throw failed;
    await api.post(`${uploads}/complete`, {
      key,
      parts: [...etags].map(([partNumber, etag]) => ({ partNumber, etag })),
    });
  } catch (error) {
    // Frees the parts S3 keeps for the upload; the original error is what the person needs to see.
    await api.post(`${uploads}/abort`, { key }).catch(() => undefined);
    throw error;
  }
}
