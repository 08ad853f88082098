/**
 * The HTTP API on 127.0.0.1 (port 3000 by default): the routes of serverless.yml, each calling its
 * Lambda handler with the payload-2.0 event API Gateway would send.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../shared/log';
import { lambdaContext } from './lambda/context';
import { eventBytes, httpEvent, MAX_EVENT_BYTES } from './lambda/http-event';
import { loadHandler, writeBufferedResult, writeIntegrationFailure } from './lambda/invoke';
import { readBody } from './lambda/read-body';
import { compileRoutes, matchRoute } from './routes';
import type { ServerlessModel } from './serverless-model';

export interface LocalServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise(`http://${host}:${(server.address() as AddressInfo).port}`);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.close(() => resolvePromise());
    server.closeAllConnections();
  });
}

/**
 * A request listener for an `async` serve function: a rejection (none is expected) fails that request alone,
 * as API Gateway answers one failed integration, and is logged by name and message only. A request whose
 * client has gone is not answered (nobody would read it).
 */
export function perRequest(log: Logger, serve: (request: IncomingMessage, response: ServerResponse) => Promise<void>) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    serve(request, response).catch((error: Error) => {
      log.error('request failed', { errorName: error?.name, errorMessage: error?.message });
      if (!response.destroyed) writeIntegrationFailure(response);
    });
  };
}

export async function startApiServer(options: {
  root: string;
  model: ServerlessModel;
  host: string;
  port: number;
  log: Logger;
}): Promise<LocalServer> {
  const routes = compileRoutes(options.model.functions);
  const server = createServer(
    perRequest(options.log, async (request, response) => {
      const rawPath = (request.url ?? '/').split('?')[0]!;
      const matched = matchRoute(routes, request.method ?? 'GET', rawPath);
      if (!matched) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      const read = await readBody(request, MAX_EVENT_BYTES);
      // A client gone before its body was whole: API Gateway never invokes the function, and nobody is left to answer.
      if (read.outcome === 'clientGone') return void response.destroy();
      const domainName = request.headers.host ?? '127.0.0.1';
      if (read.outcome === 'tooLarge') {
        response.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Request Entity Too Large' }));
        return;
      }
      const event = httpEvent({
        request,
        body: read.body,
        routeKey: matched.route.routeKey,
        pathParameters: matched.pathParameters,
        domainName,
      });
      if (eventBytes(event) > MAX_EVENT_BYTES) {
        response.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Request Entity Too Large' }));
        return;
      }
      const { fn } = matched.route;
      try {
        const handler = (await loadHandler(options.root, fn)) as (event: unknown, context: unknown) => Promise<unknown>;
        writeBufferedResult(response, await handler(event, lambdaContext(fn.name, fn.timeoutSeconds, fn.memoryMb, options.model.region)));
      } catch (error) {
        options.log.error('function failed', {
          function: fn.name,
          errorName: (error as Error).name,
          errorMessage: (error as Error).message,
        });
        writeIntegrationFailure(response);
      }
    }),
  );
  const url = await listen(server, options.host, options.port);
  return { url, server, close: () => closeServer(server) };
}
