import type { IncomingMessage } from 'node:http';

export type ReadBody = { outcome: 'read'; body: Buffer } | { outcome: 'tooLarge' } | { outcome: 'clientGone' };

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops reading and resolves `tooLarge`:
 * AWS refuses such requests before the function runs. A client that leaves before its body is whole (a short
 * body then a close, a half-close) resolves `clientGone`: API Gateway and Lambda never invoke the
 * function for a request they did not receive, and nobody is left to answer. It never rejects.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<ReadBody> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return { outcome: 'tooLarge' };
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) return { outcome: 'tooLarge' };
      chunks.push(chunk);
    }
  } catch {
    return { outcome: 'clientGone' };
  }
  // A body that ended short of its Content-Length without an error is a client gone too.
  if (!request.complete) return { outcome: 'clientGone' };
  return { outcome: 'read', body: Buffer.concat(chunks) };
}
