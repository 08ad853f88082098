/**
 * One PUT of bytes to a presigned S3 URL with XMLHttpRequest (fetch reports no upload progress). Resolves with the
 * answer's ETag; rejects with an S3TransferError in words: S3's own `<Message>` when it answered, else what a refused or
 * unreachable request most likely means for a browser (the bucket's CORS rule).
 */
export class S3TransferError extends Error {
  constructor(
    message: string,
    /** 0 when the browser got no answer it may read (network, or CORS). */
    readonly status: number,
  ) {
    super(message);
    this.name = 'S3TransferError';
  }
}

const NO_ANSWER =
  "S3 could not be reached, or refused this console's origin: the bucket's CORS rule probably does not allow it (the volume's " +
  'setup shows the put-bucket-cors command), or the connection dropped.';

/** S3's XML error as words: "<Message> (<Code>)". */
function s3Message(status: number, body: string): string {
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
  const code = field('Code');
  const message = field('Message');
  if (message) return `S3 refused the upload: ${message}${code ? ` (${code})` : ''}.`;
  return `S3 answered HTTP ${status}${code ? ` (${code})` : ''} to the upload.`;
}

export function putBytes(
  url: string,
  body: Blob,
  options: { headers?: Record<string, string>; onProgress?: (loaded: number) => void; signal?: AbortSignal },
): Promise<{ etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      // The browser sets these itself; XHR refuses them.
      if (!['host', 'content-length'].includes(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(body.size);
        resolve({ etag: xhr.getResponseHeader('ETag') ?? undefined });
      } else {
        reject(new S3TransferError(s3Message(xhr.status, xhr.responseText), xhr.status));
      }
    };
    xhr.onerror = () => reject(new S3TransferError(NO_ANSWER, 0));
    xhr.onabort = () => reject(new S3TransferError('The upload was cancelled.', 0));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
