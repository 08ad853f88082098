import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops reading and resolves
 * `{tooLarge: true}`: AWS refuses such requests before the function runs.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return { body: Buffer.alloc(0), tooLarge: true };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return { body: Buffer.alloc(0), tooLarge: true };
    chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), tooLarge: false };
}
