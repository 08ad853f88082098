import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { installAwsLambdaGlobal, isStreamingHandler, LocalResponseStream } from '../../../local/lambda/streaming';

const global = globalThis as { awslambda?: Record<string, unknown> };
afterEach(() => {
  delete global.awslambda;
});

describe('the local awslambda global', () => {
  it('adds the runtime members to an object the AWS SDK already put there, keeping its own', () => {
    const sdkOwn = { InvokeStore: 'the SDK’s' };
    global.awslambda = sdkOwn;
    installAwsLambdaGlobal();
    expect(global.awslambda).toBe(sdkOwn);
    expect(global.awslambda.InvokeStore).toBe('the SDK’s');
    const handler = (global.awslambda.streamifyResponse as (h: unknown) => unknown)(async () => undefined);
    expect(isStreamingHandler(handler)).toBe(true);
  });

  it('creates the global when there is none', () => {
    installAwsLambdaGlobal();
    expect(typeof global.awslambda?.streamifyResponse).toBe('function');
  });
});

describe('the local response stream', () => {
  /** A served response whose client leaves before anything was written: resolves once the response closed. */
  async function streamWhoseClientLeft(): Promise<{ stream: LocalResponseStream; close(): void }> {
    let stream!: LocalResponseStream;
    let closed!: () => void;
    const responseClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = createServer((_request, response) => {
      stream = new LocalResponseStream(response);
      response.once('close', closed);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
    socket.on('error', () => undefined);
    setTimeout(() => socket.resetAndDestroy(), 50);
    await responseClosed;
    return { stream, close: () => server.close() };
  }

  it('drops the writes of a function whose client left, without an error event', async () => {
    const { stream, close } = await streamWhoseClientLeft();
    const errors: Error[] = [];
    // No 'error' listener on the stream: an error event would be an uncaught exception (vitest fails the file).
    process.once('uncaughtException', (error) => errors.push(error));
    const written = await new Promise<Error | null | undefined>((resolve) => stream.write('late', (error) => resolve(error)));
    expect(written).toMatchObject({ code: 'ERR_STREAM_DESTROYED' });
    await new Promise<void>((resolve) => stream.end(() => resolve()));
    expect(errors).toEqual([]);
    close();
  });

  it('ends a pipeline into it when the client leaves, so the source stops', async () => {
    const { stream, close } = await streamWhoseClientLeft();
    const source = Readable.from(['a', 'b']);
    await expect(pipeline(source, stream)).rejects.toBeInstanceOf(Error);
    expect(source.destroyed).toBe(true);
    close();
  });
});
