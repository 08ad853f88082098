/**
 * A loopback HTTP server for the file that calls it, whose every request the test answers by hand (`answer` is
 * set before each request): for what a local Lambda stand-in writes on the wire. Started before the file's tests,
 * closed after them.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface AnsweringServer {
  /** How the next requests are answered. */
  answer: (response: ServerResponse) => void;
  /** `http://127.0.0.1:<port>/`, once the file's tests run. */
  url: string;
}

export function answeringServer(): AnsweringServer {
  const state: AnsweringServer = { answer: (response) => response.writeHead(500).end(), url: '' };
  const server = createServer((_request, response) => state.answer(response));
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return state;
}
