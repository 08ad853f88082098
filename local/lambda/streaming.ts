/**
 * The `awslambda` global of the Lambda Node.js runtime, for response-streaming handlers run locally.
 * `streamifyResponse` marks the handler; `HttpResponseStream.from` attaches the status and headers
 * that the runtime would send as the prelude before the body.
 */
import { Writable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { HeaderSet } from './header-set';

const STREAMING = Symbol.for('volume-gateway.local.streaming');

export interface Prelude {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/**
 * The stream a streaming handler writes to; the prelude (if any) goes out before the first byte.
 *
 * A client that leaves before the end ends this response only, as on Lambda: the function keeps running until it
 * returns, and learns of it from its own calls: a later write or end calls back with an error, a pipeline into
 * the stream rejects (and so stops its source). The stream listens to its own 'error' for that reason: an error
 * event nobody else listens to would otherwise reach the process as an uncaught exception.
 */
export class LocalResponseStream extends Writable {
  private prelude: Prelude | undefined;
  private started = false;

  constructor(private readonly response: ServerResponse) {
    super();
    this.on('error', () => undefined);
    response.on('close', () => {
      if (!response.writableFinished) this.destroy(Object.assign(new Error('The client disconnected before the response ended.'), { code: 'ECONNRESET' }));
    });
  }

  setPrelude(prelude: Prelude): void {
    this.prelude = prelude;
  }

  setContentType(contentType: string): void {
    const headers = new HeaderSet();
    for (const [name, value] of Object.entries(this.prelude?.headers ?? {})) headers.set(name, value);
    this.prelude = { ...this.prelude, statusCode: this.prelude?.statusCode ?? 200, headers: headers.set('Content-Type', contentType).toObject() as Record<string, string> };
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const prelude = this.prelude ?? { statusCode: 200, headers: { 'Content-Type': 'application/octet-stream' } };
    // The names go out as the function wrote them (an S3 client may look for `ETag`), each once.
    const headers = new HeaderSet();
    for (const [name, value] of Object.entries(prelude.headers ?? {})) headers.set(name, value);
    if (prelude.cookies?.length) headers.set('Set-Cookie', prelude.cookies);
    this.response.writeHead(prelude.statusCode, headers.toObject());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.start();
    if (chunk.length === 0) return callback();
    if (this.response.write(chunk)) return callback();
    // Waiting for room: the client leaving instead must not leave the write pending forever.
    const done = () => {
      this.response.off('drain', done).off('close', done);
      callback();
    };
    this.response.once('drain', done).once('close', done);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.start();
    this.response.end(callback);
  }
}

type StreamingHandler = ((event: unknown, stream: Writable, context: unknown) => Promise<void>) & { [STREAMING]?: true };

export function isStreamingHandler(handler: unknown): handler is StreamingHandler {
  return typeof handler === 'function' && (handler as StreamingHandler)[STREAMING] === true;
}

/**
 * Installs the runtime's `awslambda` members; call before importing a streaming handler module. The AWS SDK
 * creates an empty `globalThis.awslambda` of its own when it loads (for its invoke store), so the members are
 * added to whatever object is there, in place.
 */
export function installAwsLambdaGlobal(): void {
  const global = globalThis as { awslambda?: Record<string, unknown> };
  if (typeof global.awslambda?.streamifyResponse === 'function') return;
  global.awslambda ??= {};
  Object.assign(global.awslambda, {
    streamifyResponse(handler: StreamingHandler) {
      handler[STREAMING] = true;
      return handler;
    },
    HttpResponseStream: {
      from(stream: Writable, prelude: Prelude) {
        if (stream instanceof LocalResponseStream) stream.setPrelude(prelude);
        return stream;
      },
    },
  });
}
