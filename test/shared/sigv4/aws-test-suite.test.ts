import { describe, expect, it } from 'vitest';
import { canonicalRequest, headersFromRaw, parseSigV4, type SigV4Request, sha256Hex, verifySigV4 } from '../../../shared/sigv4';
import { SUITE_CASES, SUITE_CREDENTIALS, SUITE_DATE, SUITE_REGION, SUITE_SERVICE, type SuiteCase } from './aws-suite.fixture';
import { catchError } from './helpers';

function requestOf(testCase: SuiteCase, signature = testCase.signature): SigV4Request {
  const headers = headersFromRaw(testCase.headers.flat());
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${SUITE_CREDENTIALS.accessKeyId}/20150830/${SUITE_REGION}/${SUITE_SERVICE}/aws4_request, ` +
    `SignedHeaders=${testCase.signedHeaders}, Signature=${signature}`;
  return { method: testCase.method, rawPath: testCase.rawPath, rawQuery: testCase.rawQuery, headers };
}

function verify(req: SigV4Request, body: string): void {
  const parsed = parseSigV4(req);
  if (!parsed) throw new Error('not recognised as SigV4');
  verifySigV4(req, parsed, SUITE_CREDENTIALS.secretAccessKey, { now: SUITE_DATE, payloadHash: sha256Hex(body) });
}

describe("AWS's SigV4 test suite", () => {
  it.each(SUITE_CASES)('$name: the published signature verifies', (testCase) => {
    expect(() => verify(requestOf(testCase), testCase.body ?? '')).not.toThrow();
  });

  it.each(SUITE_CASES.filter((c) => c.canonicalRequest !== undefined))('$name: the canonical request is the published one', (testCase) => {
    const req = requestOf(testCase);
    expect(canonicalRequest(req, parseSigV4(req)!, sha256Hex(testCase.body ?? ''))).toBe(testCase.canonicalRequest);
  });

  it.each(SUITE_CASES)('$name: a signature one digit off is SignatureDoesNotMatch', (testCase) => {
    const last = testCase.signature.at(-1) === '0' ? '1' : '0';
    const req = requestOf(testCase, testCase.signature.slice(0, -1) + last);
    const error = catchError(() => verify(req, testCase.body ?? ''));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('post-sts-header-before: the session token is read from x-amz-security-token', () => {
    const testCase = SUITE_CASES.find((c) => c.name === 'post-sts-header-before')!;
    expect(parseSigV4(requestOf(testCase))?.sessionToken).toMatch(/^AQoDYXdzEPT\/\/\/\/\/\/\/\/\/\/wEXAMPLE/);
  });
});
