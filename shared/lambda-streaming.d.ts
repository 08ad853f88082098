/** The globals the Lambda Node.js runtime provides to response-streaming functions. */

import type { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';

declare global {
  namespace awslambda {
    type StreamingHandler<E = unknown> = (event: E, responseStream: Writable, context: Context) => Promise<void>;
    function streamifyResponse<E = unknown>(handler: StreamingHandler<E>): StreamingHandler<E>;
    const HttpResponseStream: {
      from(stream: Writable, prelude: { statusCode: number; headers?: Record<string, string>; cookies?: string[] }): Writable;
    };
  }
}
