import { describe, expect, it } from 'vitest';
import { canonicalHeaders, canonicalPath, canonicalQuery, headersFromRaw } from '../../../shared/sigv4';

describe('canonicalPath', () => {
  it('S3: keeps //, . and .. segments as they are', () => {
    expect(canonicalPath('/bucket/a//b/./c/../d/', 's3')).toBe('/bucket/a//b/./c/../d/');
    expect(canonicalPath('//', 's3-object-lambda')).toBe('//');
  });

  it('S3: encodes once, whichever way the client encoded the key', () => {
    for (const raw of ['/b/a b+c', '/b/a%20b%2Bc', '/b/a%20b+c', '/b/%61 b%2bc']) expect(canonicalPath(raw, 's3')).toBe('/b/a%20b%2Bc');
    expect(canonicalPath('/b/%c3%bc', 's3')).toBe('/b/%C3%BC');
    expect(canonicalPath('/b/ü', 's3')).toBe('/b/%C3%BC');
  });

  it('S3: an encoded slash stays an encoded slash, and a stray % is a literal %', () => {
    expect(canonicalPath('/b/a%2Fb', 's3')).toBe('/b/a%2Fb');
    expect(canonicalPath('/b/100%', 's3')).toBe('/b/100%25');
    expect(canonicalPath('/b/%zz%4', 's3')).toBe('/b/%25zz%254');
  });

  it('an empty path signs as /', () => {
    expect(canonicalPath('', 's3')).toBe('/');
    expect(canonicalPath('', 'sts')).toBe('/');
  });

  it('other services: normalise, then encode the path as received again', () => {
    expect(canonicalPath('/a%20b', 'execute-api')).toBe('/a%2520b');
    expect(canonicalPath('/a/./b/../c//d/', 'execute-api')).toBe('/a/c/d/');
    expect(canonicalPath('/a/b/..', 'execute-api')).toBe('/a');
    expect(canonicalPath('/../..', 'execute-api')).toBe('/');
  });
});

describe('canonicalQuery', () => {
  it('sorts by encoded name, then by value, byte order', () => {
    expect(canonicalQuery('b=2&a=2&a=10&B=1')).toBe('B=1&a=10&a=2&b=2');
  });

  it('gives a parameter without a value an empty one', () => {
    expect(canonicalQuery('uploads&prefix=')).toBe('prefix=&uploads=');
  });

  it('re-encodes names and values: + is a literal plus, space is %20, / and = are encoded', () => {
    expect(canonicalQuery('prefix=a+b%20c/d%3De')).toBe('prefix=a%2Bb%20c%2Fd%3De');
    expect(canonicalQuery('%E1%88%B4=bar&k=%7e')).toBe('%E1%88%B4=bar&k=~');
  });

  it('drops X-Amz-Signature for presigned requests, and only that', () => {
    expect(canonicalQuery('X-Amz-Signature=abc&X-Amz-Date=1', 'X-Amz-Signature')).toBe('X-Amz-Date=1');
  });

  it('ignores empty pieces between &', () => {
    expect(canonicalQuery('&a=1&&b=2&')).toBe('a=1&b=2');
  });
});

describe('canonicalHeaders', () => {
  it('trims values, collapses inner whitespace, sorts by name, and counts a missing signed header as empty', () => {
    const headers = { host: 'h', 'my-header': '  a   b \t c  ', 'x-amz-date': 'd' };
    expect(canonicalHeaders(headers, ['x-amz-date', 'my-header', 'host', 'absent'])).toBe(
      'absent:\nhost:h\nmy-header:a b c\nx-amz-date:d\n',
    );
  });

  it('keeps a no-break space as part of the value: only spaces and tabs are SigV4 whitespace, as smithy signs', () => {
    const headers = { 'x-amz-meta-a': '\u00a0a\u00a0\u00a0b', 'x-amz-meta-b': 'a \t b' };
    expect(canonicalHeaders(headers, ['x-amz-meta-a', 'x-amz-meta-b'])).toBe('x-amz-meta-a:\u00a0a\u00a0\u00a0b\nx-amz-meta-b:a b\n');
  });
});

describe('headersFromRaw', () => {
  it('lower-cases names and joins repeated headers with "," as SigV4 expects', () => {
    expect(headersFromRaw(['Host', 'h', 'My-Header1', 'value2', 'my-header1', ' value1 '])).toEqual({
      host: 'h',
      'my-header1': 'value2,value1',
    });
  });

  it('treats a header named __proto__ as a header, not as the prototype', () => {
    const headers = headersFromRaw(['__proto__', 'x']);
    expect(Object.keys(headers)).toEqual(['__proto__']);
    // biome-ignore lint/suspicious/noProto: a header named __proto__ is what this test is about
    expect(headers.__proto__).toBe('x');
  });
});
