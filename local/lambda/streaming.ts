/**
 * The `awslambda` global of the Lambda Node.js runtime, for response-streaming handlers run locally.
 * `streamifyResponse` marks the handler; `HttpResponseStream.from` attaches the status and headers
 * that the runtime would send as the prelude before the body.
 */

import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { AWS_FUNCTION_URL, type FunctionUrlModel } from '../function-url-model';
import { HeaderSet } from './header-set';

const STREAMING = Symbol.for('volume-gateway.local.streaming');

export interface Prelude {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/** The throttled part of a stream goes out in slices this big, each after its share of time. */
const THROTTLE_SLICE = 64 * 1024;

/**
 * The stream a streaming handler writes to; the prelude (if any) goes out before the first byte, changed as the
 * function URL changes it (see `FunctionUrlModel`): a Content-Length renamed, a gzip body decompressed, small
 * writes held back, the stream cut at its limit and slowed past its full-speed part.
 *
 * A client that leaves before the end ends this response only, as on Lambda: the function keeps running until it
 * returns, and learns of it from its own calls: a later write or end calls back with an error, a pipeline into
 * the stream rejects (and so stops its source). The stream listens to its own 'error' for that reason: an error
 * event nobody else listens to would otherwise reach the process as an uncaught exception.
 */
export class LocalResponseStream extends Writable {
  private prelude: Prelude | undefined;
  private started = false;
  private gunzip: Gunzip | undefined;
  private gzipBytes = 0;
  /** The decoded bytes being held or sent, in order. */
  private decoding: Promise<void> = Promise.resolve();
  private held: Buffer[] = [];
  private heldBytes = 0;
  private sent = 0;

  constructor(
    private readonly response: ServerResponse,
    private readonly model: FunctionUrlModel = AWS_FUNCTION_URL,
  ) {
    super();
    this.on('error', () => undefined);
    response.on('close', () => {
      if (!response.writableFinished)
        this.destroy(Object.assign(new Error('The client disconnected before the response ended.'), { code: 'ECONNRESET' }));
    });
  }

  setPrelude(prelude: Prelude): void {
    this.prelude = prelude;
  }

  setContentType(contentType: string): void {
    const headers = new HeaderSet();
    for (const [name, value] of Object.entries(this.prelude?.headers ?? {})) headers.set(name, value);
    this.prelude = {
      ...this.prelude,
      statusCode: this.prelude?.statusCode ?? 200,
      headers: headers.set('Content-Type', contentType).toObject() as Record<string, string>,
    };
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const prelude = this.prelude ?? { statusCode: 200, headers: { 'Content-Type': 'application/octet-stream' } };
    // The names go out as the function wrote them (an S3 client may look for `ETag`), each once.
    const headers = new HeaderSet();
    for (const [name, value] of Object.entries(prelude.headers ?? {})) headers.set(name, value);
    if (prelude.cookies?.length) headers.set('Set-Cookie', prelude.cookies);
    const length = headers.take('Content-Length');
    if (length !== undefined) headers.set(this.model.remapContentLength ? 'x-amzn-Remapped-Content-Length' : 'Content-Length', length);
    if (this.model.decodeGzip && /^\s*(x-)?gzip\s*$/i.test(String(headers.get('Content-Encoding') ?? ''))) {
      headers.take('Content-Encoding');
      const gunzip = createGunzip();
      this.gunzip = gunzip;
      // Bytes that are not gzip: the function URL cannot decode them and the client gets a cut response.
      gunzip.on('error', () => this.response.destroy());
      gunzip.on('data', (chunk: Buffer) => {
        gunzip.pause();
        this.decoding = this.decoding
          .then(() => this.hold(chunk))
          .then(
            () => void gunzip.resume(),
            (error: Error) => void gunzip.destroy(error),
          );
      });
    }
    this.response.writeHead(prelude.statusCode, headers.toObject());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.start();
    if (chunk.length === 0) return void callback();
    if (!this.gunzip) return void this.hold(chunk).then(() => callback(), callback);
    this.gzipBytes += chunk.length;
    if (this.gunzip.write(chunk)) return void callback();
    this.gunzip.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.start();
    const gunzip = this.gunzip;
    // An empty body (a HEAD answer) has nothing to decode.
    const decoded =
      gunzip && this.gzipBytes > 0
        ? new Promise<void>((resolve) => gunzip.once('end', resolve).end()).then(() => this.decoding)
        : Promise.resolve();
    decoded.then(() => this.flush()).then(() => this.response.end(callback), callback);
  }

  /** Bytes wait until `holdBackBytes` of them are ready to go (or the stream ends), as the function URL holds them. */
  private async hold(chunk: Buffer): Promise<void> {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= this.model.holdBackBytes) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.heldBytes === 0) return;
    let data = Buffer.concat(this.held);
    this.held = [];
    this.heldBytes = 0;
    const room = this.model.maxStreamBytes - this.sent;
    const cut = data.length > room;
    if (cut) data = data.subarray(0, room);
    for (let offset = 0; offset < data.length; ) {
      const fullSpeedLeft = Math.max(0, this.model.fullSpeedBytes - this.sent);
      const throttled = fullSpeedLeft === 0 && this.model.throttledBytesPerSecond > 0;
      const slice = data.subarray(offset, offset + (throttled ? THROTTLE_SLICE : fullSpeedLeft > 0 ? fullSpeedLeft : data.length));
      if (throttled) await sleep((slice.length / this.model.throttledBytesPerSecond) * 1000);
      await this.send(slice);
      offset += slice.length;
      this.sent += slice.length;
    }
    // Past the stream's limit the function URL ends the response mid-body; the client sees it cut.
    if (cut) {
      await new Promise<void>((resolve) => this.response.write(Buffer.alloc(0), () => resolve()));
      this.response.destroy();
      throw Object.assign(new Error(`The response stream is over ${this.model.maxStreamBytes} bytes.`), { code: 'ERR_STREAM_LIMIT' });
    }
  }

  private send(data: Buffer): Promise<void> {
    if (this.response.destroyed)
      return Promise.reject(Object.assign(new Error('The client disconnected before the response ended.'), { code: 'ECONNRESET' }));
    if (this.response.write(data)) return Promise.resolve();
    // Waiting for room: the client leaving instead must not leave the write pending forever.
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done).off('close', done);
        resolve();
      };
      this.response.once('drain', done).once('close', done);
    });
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
