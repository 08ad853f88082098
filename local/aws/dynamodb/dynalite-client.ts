/**
 * The in-process DynamoDB storage (dynalite, the DynamoDB wire protocol over LevelDB), reached on a
 * private loopback port. Only the authenticated front talks to it; dynalite itself checks no signatures.
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

export interface DynaliteResponse {
  status: number;
  body: string;
}

export interface Dynalite {
  /** Sends a raw request as received (headers and body untouched). */
  forward(headers: Record<string, string>, body: Buffer): Promise<DynaliteResponse>;
  /** Calls an operation on the service's own behalf (transactions, TTL sweeps, table bootstrap). */
  call<T = Record<string, any>>(operation: string, input: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export class DynamoCallError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = type;
  }
}

const INTERNAL_AUTH =
  'AWS4-HMAC-SHA256 Credential=internal/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';

export async function startDynalite(path: string | undefined): Promise<Dynalite> {
  const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const forward = async (headers: Record<string, string>, body: Buffer): Promise<DynaliteResponse> => {
    const { host: _host, 'content-length': _length, connection: _connection, ...rest } = headers;
    const response = await fetch(url, { method: 'POST', headers: rest, body });
    return { status: response.status, body: await response.text() };
  };

  return {
    forward,
    async call(operation, input) {
      const response = await forward(
        {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'x-amz-date': '20000101T000000Z',
          authorization: INTERNAL_AUTH,
        },
        Buffer.from(JSON.stringify(input)),
      );
      const parsed = response.body ? JSON.parse(response.body) : {};
      if (response.status !== 200) {
        const type = String(parsed.__type ?? 'InternalFailure')
          .split('#')
          .pop()!;
        throw new DynamoCallError(type, String(parsed.message ?? parsed.Message ?? type), response.status);
      }
      return parsed;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
