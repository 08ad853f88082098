/**
 * The S3 REST requests the multipart store makes without the S3 client, against a stand-in S3 on loopback that
 * answers as S3 can (the store's behaviour against the local S3 is s3-multipart-store.test.ts's): what they send
 * (SigV4 with the payload's hash, the session token, path style), S3's answers and refusals in the S3 client's
 * shape, and the retries the S3 client would make (5xx, throttling, a 200 whose body is an error) and would not.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3RestError, s3Request } from '../../../shared/adapters/s3-rest';

const credentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+=',
  expiration: new Date('2030-01-01T00:00:00Z'),
};

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
let server: Server;
let endpoint: string;
let seen: Seen[];
/** The answers the stand-in gives, in order (the last one again once they run out). */
let answers: { status: number; body: string }[];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    response.writeHead(answer.status, { 'content-type': 'application/xml' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

const ERROR = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code} &amp; more</Message></Error>`;
const request = { method: 'POST' as const, bucket: 'lab', key: 'a b/c.bin', region: 'eu-west-1', query: { uploads: '' } };
const send = (maxAttempts = 3) => s3Request({ forcePathStyle: true, endpoint, maxAttempts }, credentials, request);

describe('an S3 REST request', () => {
  it("is signed with SigV4 for s3 in the volume's region, with the payload's hash and the session token, path style", async () => {
    answers = [{ status: 200, body: '<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>' }];
    expect(await send()).toEqual({ InitiateMultipartUploadResult: { UploadId: 'u-1' } });
    const [{ method, url, headers }] = seen as [Seen];
    expect({ method, url }).toEqual({ method: 'POST', url: '/lab/a%20b/c.bin?uploads=' });
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE01\/\d{8}\/eu-west-1\/s3\/aws4_request, /);
    expect(headers['x-amz-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(headers['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(headers['content-length']).toBe('0');
  });

  it("rejects with S3's refusal in the S3 client's shape (Code, message, status), tried once", async () => {
    answers = [{ status: 404, body: ERROR('NoSuchUpload') }];
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3RestError);
    expect(error).toMatchObject({
      name: 'NoSuchUpload',
      Code: 'NoSuchUpload',
      message: 'NoSuchUpload & more',
      $metadata: { httpStatusCode: 404 },
    });
    expect(seen).toHaveLength(1);
  });

  it('is tried again after a 5xx, a throttling answer or a 200 whose body is an error, as the S3 client does', async () => {
    answers = [
      { status: 503, body: ERROR('SlowDown') },
      { status: 200, body: ERROR('InternalError') },
      { status: 200, body: '<CompleteMultipartUploadResult><ETag>"e-3"</ETag></CompleteMultipartUploadResult>' },
    ];
    expect(await send()).toEqual({ CompleteMultipartUploadResult: { ETag: '"e-3"' } });
    expect(seen).toHaveLength(3);
  });

  it('gives up after maxAttempts calls with the last failure (a 200 with an error body counts as 503)', async () => {
    answers = [{ status: 200, body: ERROR('InternalError') }];
    await expect(send(2)).rejects.toMatchObject({ Code: 'InternalError', $metadata: { httpStatusCode: 503 } });
    expect(seen).toHaveLength(2);
  });

  it('passes an abort through as an AbortError, without a call', async () => {
    answers = [{ status: 200, body: '' }];
    const aborted = s3Request({ forcePathStyle: true, endpoint }, credentials, request, AbortSignal.abort());
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(0);
  });
});
