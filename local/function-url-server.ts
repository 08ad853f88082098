/**
 * A Lambda function URL on 127.0.0.1 (port 3001 by default) for the function of serverless.yml that
 * declares `url`. Every path goes to it (function URLs have no routes), with Lambda's limits: an event
 * over 6 MB is refused with 413 before the function runs. RESPONSE_STREAM handlers stream, and what the
 * function sends is changed as a real function URL changes it (`FunctionUrlModel`, docs/function-url.md).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { Logger } from '../shared/log';
import { closeServer, type LocalServer, listen, perRequest } from './api-server';
import { AWS_FUNCTION_URL, type FunctionUrlModel } from './function-url-model';
import { lambdaContext } from './lambda/context';
import { eventBytes, httpEvent } from './lambda/http-event';
import { loadHandler, writeBufferedResult } from './lambda/invoke';
import { readBody } from './lambda/read-body';
import { isStreamingHandler, LocalResponseStream } from './lambda/streaming';
import type { FunctionModel, ServerlessModel } from './serverless-model';

function tooLarge(response: ServerResponse, limit: number): void {
  // What Lambda answers when the invocation payload is over its synchronous limit.
  response
    .writeHead(413, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'RequestEntityTooLargeException' })
    .end(JSON.stringify({ Message: `Request must be smaller than ${limit} bytes for the InvokeFunction operation` }));
}

/** What a function URL answers when the function throws (docs/function-url.md §1): a bare 502, not API Gateway's JSON. */
function functionFailed(response: ServerResponse): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(502, { 'Content-Type': 'text/plain' }).end('Internal Server Error');
}

const clientGone = (response: ServerResponse): boolean => response.destroyed && !response.writableFinished;

export interface FunctionUrlServerOptions {
  root: string;
  model: ServerlessModel;
  fn: FunctionModel;
  host: string;
  port: number;
  log: Logger;
  /** What the URL does to requests and responses; AWS's behaviour by default (npm start passes `FUNCTION_URL_MODEL`'s switches). */
  behaviour?: FunctionUrlModel;
}

export async function startFunctionUrlServer(options: FunctionUrlServerOptions): Promise<LocalServer> {
  const { fn } = options;
  // Not read from the environment here: a FUNCTION_URL_MODEL exported for npm start must not change the tests' stacks.
  const behaviour = options.behaviour ?? AWS_FUNCTION_URL;
  const limit = behaviour.maxEventBytes;
  const server = createServer(
    perRequest(options.log, async (request, response) => {
      const read = await readBody(request, limit);
      // A client gone before its body was whole: Lambda never invokes the function, and nobody is left to answer.
      if (read.outcome === 'clientGone') return void response.destroy();
      if (read.outcome === 'tooLarge') return tooLarge(response, limit);
      const event = httpEvent({ request, body: read.body, routeKey: '$default', domainName: request.headers.host ?? '127.0.0.1' });
      if (eventBytes(event) > limit) return tooLarge(response, limit);
      const context = lambdaContext(fn.name, fn.timeoutSeconds, fn.memoryMb, options.model.region);
      try {
        const handler = await loadHandler(options.root, fn);
        if (isStreamingHandler(handler)) {
          const stream = new LocalResponseStream(response, behaviour);
          await handler(event, stream, context);
          if (!stream.writableFinished && !stream.destroyed) stream.end();
        } else {
          writeBufferedResult(response, await (handler as (e: unknown, c: unknown) => Promise<unknown>)(event, context), behaviour);
        }
      } catch (error) {
        // A streaming function whose client left fails its writes (as on Lambda): that is no failure of the function's.
        if (clientGone(response)) return;
        options.log.error('function failed', {
          function: fn.name,
          errorName: (error as Error).name,
          errorMessage: (error as Error).message,
        });
        functionFailed(response);
      }
    }),
  );
  const url = await listen(server, options.host, options.port);
  return { url, server, close: () => closeServer(server) };
}
