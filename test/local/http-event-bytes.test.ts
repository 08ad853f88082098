/** The local Lambda fronts measure an event against Lambda's 6 MB limit as its serialised JSON. */
import { fc, test } from '@fast-check/vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect } from 'vitest';
import { eventBytes } from '../../local/lambda/http-event';

const event = (body: string | undefined, isBase64Encoded: boolean, header: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: '/bucket/ké"y',
    rawQueryString: '',
    headers: { 'x-header': header },
    requestContext: { http: { method: 'PUT' } },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded,
  }) as unknown as APIGatewayProxyEventV2;

describe('eventBytes', () => {
  test.prop([fc.uint8Array({ maxLength: 3000 }), fc.string({ unit: 'binary', maxLength: 50 })])(
    'is the byte length of the event serialised as JSON, for a base64 body',
    (bytes, header) => {
      const e = event(Buffer.from(bytes).toString('base64'), true, header);
      expect(eventBytes(e)).toBe(Buffer.byteLength(JSON.stringify(e)));
    },
  );

  test.prop([fc.option(fc.string({ unit: 'binary', maxLength: 500 }), { nil: undefined }), fc.string({ maxLength: 20 })])(
    'is the byte length of the event serialised as JSON, for a text body (escapes and UTF-8 counted) or none',
    (body, header) => {
      const e = event(body, false, header);
      expect(eventBytes(e)).toBe(Buffer.byteLength(JSON.stringify(e)));
    },
  );
});
