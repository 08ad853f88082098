/**
 * The local Lambda stand-ins carry the case of the function's header names through to the client, as AWS does,
 * and send each name once: an S3 client behind the function URL may look for `ETag` verbatim.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { writeBufferedResult } from '../../../local/lambda/invoke';
import { LocalResponseStream } from '../../../local/lambda/streaming';
import { answeringServer } from '../../support/answering-server';

const served = answeringServer();

/** The header names as they came on the wire. */
function rawNames(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    request(served.url, (response) => {
      response.resume();
      response.on('end', () => resolve(response.rawHeaders.filter((_, i) => i % 2 === 0)));
    })
      .on('error', reject)
      .end();
  });
}

describe('the local Lambda stand-ins keep header names as the function wrote them', () => {
  it("a streaming function's prelude: ETag stays ETag, and a Content-Type set twice goes out once", async () => {
    served.answer = (response) => {
      const stream = new LocalResponseStream(response);
      stream.setPrelude({ statusCode: 200, headers: { ETag: '"abc"', 'x-amz-request-id': 'R', 'content-type': 'text/plain' } });
      stream.setContentType('application/xml');
      stream.end('<x/>');
    };
    const names = await rawNames();
    expect(names).toEqual(expect.arrayContaining(['ETag', 'x-amz-request-id', 'Content-Type']));
    expect(names.filter((name) => name.toLowerCase() === 'content-type')).toEqual(['Content-Type']);
  });

  it("a buffered result: the function's spelling, and one Content-Length however the function spelled its own", async () => {
    served.answer = (response) =>
      writeBufferedResult(response, {
        statusCode: 200,
        headers: { ETag: '"abc"', 'Last-Modified': 'Sat, 05 Dec 2026 19:00:00 GMT', 'content-length': '99' },
        body: 'four',
      });
    const names = await rawNames();
    expect(names).toEqual(expect.arrayContaining(['ETag', 'Last-Modified', 'Content-Length']));
    expect(names.filter((name) => name.toLowerCase() === 'content-length')).toEqual(['Content-Length']);
  });
});
