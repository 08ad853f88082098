/**
 * Loads a function's handler the way Lambda does (once per process: later invocations are warm)
 * and turns a buffered payload-2.0 result into an HTTP response as API Gateway and function URLs do.
 */
import type { ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AWS_FUNCTION_URL, type FunctionUrlModel } from '../function-url-model';
import type { FunctionModel } from '../serverless-model';
import { HeaderSet } from './header-set';
import { installAwsLambdaGlobal } from './streaming';

const loaded = new Map<string, Promise<unknown>>();

export function loadHandler(root: string, fn: FunctionModel): Promise<unknown> {
  const key = `${root}:${fn.sourceFile}:${fn.exportName}`;
  let handler = loaded.get(key);
  if (!handler) {
    installAwsLambdaGlobal();
    handler = import(pathToFileURL(resolve(root, fn.sourceFile)).href).then((module: Record<string, unknown>) => {
      const exported = module[fn.exportName];
      if (typeof exported !== 'function') throw new Error(`${fn.sourceFile} does not export a function named ${fn.exportName}`);
      return exported;
    });
    loaded.set(key, handler);
  }
  return handler;
}

interface StructuredResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** What a buffered front does with a result; API Gateway's HTTP API and a BUFFERED function URL alike by default. */
export type BufferedBehaviour = Pick<FunctionUrlModel, 'maxBufferedResponseBytes' | 'bufferedLengthFromBody'>;

/**
 * Writes a buffered handler result; plain values become a 200 JSON body, as payload 2.0 specifies. A result over
 * the response limit is Lambda's 502; the Content-Length is the body's unless the behaviour keeps the function's.
 */
export function writeBufferedResult(response: ServerResponse, result: unknown, behaviour: BufferedBehaviour = AWS_FUNCTION_URL): void {
  // The result's size as Lambda counts it, near enough: its body, plus the other fields only for a structured result.
  const tooLarge = (bytes: number) => {
    if (bytes <= behaviour.maxBufferedResponseBytes) return false;
    response.writeHead(502, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'LambdaResponseTooLarge' }).end(
      JSON.stringify({
        Message: `Response payload size exceeded maximum allowed payload size (${behaviour.maxBufferedResponseBytes} bytes).`,
      }),
    );
    return true;
  };
  const structured = result && typeof result === 'object' && 'statusCode' in result ? (result as StructuredResult) : undefined;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    if (tooLarge(Buffer.byteLength(body))) return;
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    return;
  }
  const { body: text, ...fields } = structured;
  if (tooLarge(Buffer.byteLength(text ?? '') + Buffer.byteLength(JSON.stringify(fields)))) return;
  const headers = new HeaderSet();
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers.set(name, String(value));
  for (const [name, values] of Object.entries(structured.multiValueHeaders ?? {})) headers.set(name, values.map(String));
  if (structured.cookies?.length) headers.set('Set-Cookie', structured.cookies);
  const body = text === undefined ? Buffer.alloc(0) : Buffer.from(text, structured.isBase64Encoded ? 'base64' : 'utf8');
  if (behaviour.bufferedLengthFromBody || headers.get('Content-Length') === undefined) headers.set('Content-Length', String(body.length));
  response.writeHead(structured.statusCode ?? 200, headers.toObject()).end(body);
}

/** What API Gateway answers when the integration fails (the function threw or timed out). */
export function writeIntegrationFailure(response: ServerResponse, status = 500): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response
    .writeHead(status, { 'Content-Type': 'application/json' })
    .end(JSON.stringify({ message: status === 503 ? 'Service Unavailable' : 'Internal Server Error' }));
}
