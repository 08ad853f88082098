import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  AwsChunkedDecoder,
  type AwsChunkedOptions,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  signingKey,
} from '../../../shared/sigv4';
import { encodeAwsChunked, runThrough } from './helpers';

const SIGNING = {
  key: signingKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3'),
  amzDate: '20130524T000000Z',
  scope: '20130524/us-east-1/s3/aws4_request',
  seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
};

/** The S3 documentation's chunked upload: 64 KiB and 1 KiB of `a`, chained from the seed above. */
const DOC_BODY = encodeAwsChunked({ chunks: [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a')], signing: SIGNING });
const DOC_PAYLOAD = Buffer.alloc(66560, 'a');

const signed = (extra: Partial<AwsChunkedOptions> = {}) =>
  new AwsChunkedDecoder({ mode: STREAMING_SIGNED, signing: SIGNING, decodedContentLength: 66560, ...extra });
const crc32Base64 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString('base64');
};

describe('AwsChunkedDecoder, signed chunks', () => {
  it("the test encoder reproduces the documentation's chunk signatures", () => {
    const text = DOC_BODY.toString('latin1');
    expect(text).toContain('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n');
    expect(text).toContain('400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n');
    expect(text.endsWith('0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n')).toBe(true);
  });

  it.each([1, 2, 3, 7, 89, 90, 91, 8191, 65536, 100_000])(
    'decodes the same payload when the body arrives %i bytes at a time',
    async (pieceSize) => {
      await expect(runThrough(signed(), DOC_BODY, pieceSize)).resolves.toEqual(DOC_PAYLOAD);
    },
  );

  it('releases a chunk as soon as its signature checks out, before the next chunk arrives', () => {
    const decoder = signed();
    const firstChunkEnd = DOC_BODY.indexOf('\r\n400;') + 2;
    decoder.write(DOC_BODY.subarray(0, firstChunkEnd - 1));
    expect(decoder.read()).toBeNull();
    decoder.write(DOC_BODY.subarray(firstChunkEnd - 1, firstChunkEnd));
    expect(decoder.read()?.length).toBe(65536);
    decoder.destroy();
  });

  it('a wrong chunk signature is SignatureDoesNotMatch, and none of that chunk comes out', async () => {
    const tampered = Buffer.from(DOC_BODY);
    tampered.write('1', tampered.indexOf('400;chunk-signature=') + 20, 'latin1');
    const decoder = signed();
    const out: Buffer[] = [];
    decoder.on('data', (piece: Buffer) => out.push(piece));
    await expect(runThrough(decoder, tampered, 4096)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: expect.stringMatching(/chunk 2/),
    });
    expect(Buffer.concat(out).length).toBe(65536);
    await expect(decoder.trailers).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('changed data, a wrong seed, or the final chunk left unsigned is SignatureDoesNotMatch', async () => {
    const changedData = Buffer.from(DOC_BODY);
    changedData[100] = 'b'.charCodeAt(0);
    await expect(runThrough(signed(), changedData)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(runThrough(signed({ signing: { ...SIGNING, seedSignature: '0'.repeat(64) } }), DOC_BODY)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
    const unsignedFinal = Buffer.from(DOC_BODY.toString('latin1').replace(/0;chunk-signature=[0-9a-f]+\r\n\r\n$/, '0\r\n\r\n'), 'latin1');
    await expect(runThrough(signed(), unsignedFinal)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/Chunk 3 .*no valid chunk-signature/),
    });
  });

  it.each([10, 90, 50_000, 65_626, 65_627, DOC_BODY.length - 50])('a body cut after %i bytes is IncompleteBody', async (length) => {
    await expect(runThrough(signed(), DOC_BODY.subarray(0, length), 1000)).rejects.toMatchObject({ code: 'IncompleteBody', status: 400 });
  });

  it('a body missing only the CRLF after its final chunk is accepted: every byte and signature is there', async () => {
    await expect(runThrough(signed(), DOC_BODY.subarray(0, -2))).resolves.toEqual(DOC_PAYLOAD);
  });

  it('an empty body is IncompleteBody', async () => {
    await expect(runThrough(signed(), Buffer.alloc(0))).rejects.toMatchObject({
      code: 'IncompleteBody',
      message: expect.stringMatching(/ended empty/),
    });
  });

  it('a payload longer or shorter than x-amz-decoded-content-length is IncompleteBody', async () => {
    await expect(runThrough(signed({ decodedContentLength: 66561 }), DOC_BODY)).rejects.toMatchObject({
      code: 'IncompleteBody',
      message: expect.stringMatching(/announced 66561/),
    });
    await expect(runThrough(signed({ decodedContentLength: 66559 }), DOC_BODY)).rejects.toMatchObject({
      code: 'IncompleteBody',
      message: expect.stringMatching(/more than the 66559 bytes/),
    });
  });

  it('data longer than its declared size is IncompleteBody', async () => {
    const longer = Buffer.from(DOC_BODY.toString('latin1').replace('\r\n400;', '\r\n3ff;'), 'latin1');
    await expect(runThrough(signed({ decodedContentLength: undefined }), longer)).rejects.toMatchObject({
      code: 'IncompleteBody',
      message: expect.stringMatching(/not followed by CRLF/),
    });
  });

  it.each([
    ['a size that is not hexadecimal', `zz;chunk-signature=${'a'.repeat(64)}\r\n`, /not a hexadecimal size/],
    ['an absurd size', `ffffffffffff;chunk-signature=${'a'.repeat(64)}\r\n`, /at most 16777216 are accepted/],
    ['a header line that never ends', 'a'.repeat(5000), /longer than 4096 bytes/],
  ])('%s is InvalidChunkSizeError', async (_what, body, message) => {
    await expect(runThrough(signed(), Buffer.from(body), 100)).rejects.toMatchObject({
      code: 'InvalidChunkSizeError',
      status: 400,
      message: expect.stringMatching(message),
    });
  });

  it('a chunk under 8 KiB that is not the last one with data is InvalidChunkSizeError, as S3 has it', async () => {
    const small = encodeAwsChunked({ chunks: [Buffer.alloc(100, 'x'), Buffer.alloc(100, 'y')], signing: SIGNING });
    await expect(runThrough(signed({ decodedContentLength: 200 }), small)).rejects.toMatchObject({ code: 'InvalidChunkSizeError' });
    await expect(runThrough(signed({ decodedContentLength: 200, minChunkSize: 0 }), small)).resolves.toHaveLength(200);
  });

  it('bytes after the final chunk are IncompleteBody; stray line ends are tolerated', async () => {
    await expect(runThrough(signed(), Buffer.concat([DOC_BODY, Buffer.from('\r\n\r\n')]))).resolves.toEqual(DOC_PAYLOAD);
    await expect(runThrough(signed(), Buffer.concat([DOC_BODY, Buffer.from('extra')]))).rejects.toMatchObject({ code: 'IncompleteBody' });
  });

  it('trailing headers after a body that announced none are MalformedTrailerError', async () => {
    const withTrailer = Buffer.from(
      DOC_BODY.toString('latin1').replace(/\r\n\r\n$/, '\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'),
      'latin1',
    );
    await expect(runThrough(signed(), withTrailer)).rejects.toMatchObject({ code: 'MalformedTrailerError' });
  });
});

describe('AwsChunkedDecoder, trailers', () => {
  const payload = Buffer.from(`${'x'.repeat(20_000)}ünïcødé`);
  const pieces = [payload.subarray(0, 8192), payload.subarray(8192, 16384), payload.subarray(16384)];
  const unsigned = (trailerNames: string[]) =>
    new AwsChunkedDecoder({ mode: STREAMING_UNSIGNED_TRAILER, trailerNames, decodedContentLength: payload.length });
  const signedTrailer = () =>
    new AwsChunkedDecoder({
      mode: STREAMING_SIGNED_TRAILER,
      signing: SIGNING,
      trailerNames: ['x-amz-checksum-crc32'],
      decodedContentLength: payload.length,
    });

  it('an unsigned body with a CRC32 trailer, as the AWS SDKs send it, decodes at any read size and hands over the trailer', async () => {
    const body = encodeAwsChunked({ chunks: pieces, trailers: [['x-amz-checksum-crc32', crc32Base64(payload)]] });
    for (const pieceSize of [1, 5, 8200, body.length]) {
      const decoder = unsigned(['x-amz-checksum-crc32']);
      await expect(runThrough(decoder, body, pieceSize)).resolves.toEqual(payload);
      await expect(decoder.trailers).resolves.toEqual({ 'x-amz-checksum-crc32': crc32Base64(payload) });
    }
  });

  it.each([
    ['x-amz-checksum-sha256', createHash('sha256').update(payload).digest('base64')],
    ['x-amz-checksum-sha1', createHash('sha1').update(payload).digest('base64')],
  ])('verifies a %s trailer', async (name, value) => {
    const body = encodeAwsChunked({ chunks: pieces, trailers: [[name, value]] });
    await expect(runThrough(unsigned([name]), body, 333)).resolves.toEqual(payload);
  });

  it('a trailer checksum that does not match the bytes is BadDigest, raised before the stream ends', async () => {
    const body = encodeAwsChunked({ chunks: pieces, trailers: [['x-amz-checksum-crc32', 'AAAAAA==']] });
    const decoder = unsigned(['x-amz-checksum-crc32']);
    let ended = false;
    decoder.on('end', () => (ended = true));
    const error = await runThrough(decoder, body).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BadDigest',
      status: 400,
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    expect(ended).toBe(false);
    await expect(decoder.trailers).rejects.toBe(error);
  });

  it('a trailer announced in x-amz-trailer but never sent, or sent but never announced, is MalformedTrailerError', async () => {
    const none = encodeAwsChunked({ chunks: pieces });
    await expect(runThrough(unsigned(['x-amz-checksum-crc32']), none)).rejects.toMatchObject({
      code: 'MalformedTrailerError',
      message: expect.stringMatching(/never came/),
    });
    const stray = encodeAwsChunked({ chunks: pieces, trailers: [['x-amz-checksum-crc32c', 'AAAAAA==']] });
    await expect(runThrough(unsigned(['x-amz-checksum-crc32']), stray)).rejects.toMatchObject({
      code: 'MalformedTrailerError',
      message: expect.stringMatching(/not announced/),
    });
  });

  it('a signed body with a trailer verifies the trailer signature', async () => {
    const body = encodeAwsChunked({ chunks: pieces, signing: SIGNING, trailers: [['x-amz-checksum-crc32', crc32Base64(payload)]] });
    const decoder = signedTrailer();
    await expect(runThrough(decoder, body, 7)).resolves.toEqual(payload);
    await expect(decoder.trailers).resolves.toEqual({ 'x-amz-checksum-crc32': crc32Base64(payload) });
  });

  it('a trailer changed after signing, or a missing trailer signature, is SignatureDoesNotMatch', async () => {
    const body = encodeAwsChunked({ chunks: pieces, signing: SIGNING, trailers: [['x-amz-checksum-crc32', crc32Base64(payload)]] });
    const changed = Buffer.from(body.toString('latin1').replace(`crc32:${crc32Base64(payload)}`, 'crc32:AAAAAA=='), 'latin1');
    await expect(runThrough(signedTrailer(), changed)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/trailing headers/),
    });
    const unsignedTrailer = Buffer.from(body.toString('latin1').replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''), 'latin1');
    await expect(runThrough(signedTrailer(), unsignedTrailer)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/must end with x-amz-trailer-signature/),
    });
  });

  it('tolerates a blank line between the final chunk and the trailers, and a body that ends without the last CRLF', async () => {
    const value = crc32Base64(payload);
    const encoded = encodeAwsChunked({ chunks: pieces, trailers: [['x-amz-checksum-crc32', value]] }).toString('latin1');
    const blankFirst = encoded.replace('\r\n0\r\n', '\r\n0\r\n\r\n');
    const noFinalCrlf = encoded.slice(0, -2);
    for (const variant of [blankFirst, noFinalCrlf, noFinalCrlf.slice(0, -2)]) {
      await expect(runThrough(unsigned(['x-amz-checksum-crc32']), Buffer.from(variant, 'latin1'), 3)).resolves.toEqual(payload);
    }
  });
});
